import Foundation

/// Reading the files a user names and writing the files a report consists
/// of, with errors that name the file and what went wrong.
package enum Files {
    /// The bytes of `path`, or of standard input for `-`; `what` names the
    /// file in errors ("policy file").
    package static func read(_ path: String, what: String) throws(HostError) -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HostError("cannot read \(what) \(path): no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw HostError("cannot read \(what) \(path): \(isDirectory.boolValue ? "it is a directory" : "permission denied or unreadable")")
        }
        return Array(data)
    }

    /// Whether `path` names an existing file or directory.
    package static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Writes each file into `directory`, creating it first; returns the names written.
    package static func write(_ files: [(name: String, contents: String)], to directory: String) throws(HostError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in files {
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: directory + "/" + file.name))
            }
        } catch {
            throw HostError("cannot write to \(directory): \(error.localizedDescription)")
        }
    }
}

/// Lines for the user on standard error (results go to standard output).
package enum StandardError {
    package static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    package static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Progress on standard error: one live line on a terminal, one line per
/// step otherwise (so logs keep every step).
package final class ProgressLine {
    let live = isatty(2) != 0

    package init() {}

    /// A line that stays.
    package func note(_ text: String) { StandardError.line(text) }

    /// A line that the next one replaces, on a terminal.
    package func update(_ text: String) {
        if live { StandardError.write("\r\u{1B}[K" + text) } else { StandardError.line(text) }
    }

    /// Ends the live line.
    package func finish() {
        if live { StandardError.write("\n") }
    }
}
