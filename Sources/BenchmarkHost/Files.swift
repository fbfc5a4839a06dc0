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

    /// Whether `path` names an existing directory.
    package static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Whether `path` names an existing file or directory.
    package static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates `directory` (and its parents) unless it exists, and checks
    /// that files can be written there: called before a measurement, so a
    /// bad `--out` fails at once instead of after minutes of work.
    package static func prepareDirectory(_ directory: String) throws(HostError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw HostError("cannot create \(directory): \(error.localizedDescription)")
        }
        guard isDirectory(directory) else { throw HostError("cannot write to \(directory): it is not a directory") }
        guard FileManager.default.isWritableFile(atPath: directory) else { throw HostError("cannot write to \(directory): permission denied") }
        // Permission bits do not tell about read-only mounts or a full disk
        // (and root passes every bits check): write a file and remove it.
        // Every name a report writes comes from ReportFileName, so once one
        // file can be written there, all of them can.
        let probe = directory + "/.preflight-bench-write-check-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try Data("x".utf8).write(to: URL(fileURLWithPath: probe))
            try FileManager.default.removeItem(atPath: probe)
        } catch {
            throw HostError("cannot write to \(directory): \(error.localizedDescription)")
        }
    }

    /// Writes each file into `directory`, creating it first.
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

    /// Writes one file at `path`.
    package static func write(_ contents: String, to path: String) throws(HostError) {
        do { try Data(contents.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw HostError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
