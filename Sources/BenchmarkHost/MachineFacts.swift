import Foundation
package import JSONValue

/// Facts about the machine and the build that make a run's numbers
/// comparable with another's, for the `environment` of a report.
package enum MachineFacts {
    /// The CPU model from /proc/cpuinfo, or "unknown".
    package static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let model = line.split(separator: ":", maxSplits: 1).last else { return "unknown" }
        return model.trimmingCharacters(in: .whitespaces)
    }

    /// The compiler that built this binary, to the minor version.
    package static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// The git commit (12 digits) of the checkout holding the working
    /// directory, or "unknown" outside one. Read from `.git` itself rather
    /// than by running git: no process to start while measuring (and none
    /// under valgrind, which cannot follow one started this way).
    package static var gitCommit: String {
        var directory = FileManager.default.currentDirectoryPath
        while !directory.isEmpty {
            if let commit = commit(inCheckout: directory) { return String(commit.prefix(12)) }
            guard let slash = directory.lastIndex(of: "/"), directory != "/" else { break }
            directory = slash == directory.startIndex ? "/" : String(directory[..<slash])
        }
        return "unknown"
    }

    /// The commit HEAD names in the checkout at `directory`: `.git` as a
    /// directory, or as a file pointing at one (worktrees); HEAD detached, or
    /// a branch found loose or in packed-refs.
    static func commit(inCheckout directory: String) -> String? {
        var gitDirectory = directory + "/.git"
        if let pointer = try? String(contentsOfFile: gitDirectory, encoding: .utf8), pointer.hasPrefix("gitdir: ") {
            gitDirectory = pointer.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = try? String(contentsOfFile: gitDirectory + "/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
            return nil
        }
        guard head.hasPrefix("ref: ") else { return head.isEmpty ? nil : head }
        let ref = String(head.dropFirst(5))
        // A worktree keeps its HEAD but shares the main checkout's refs.
        let common = (try? String(contentsOfFile: gitDirectory + "/commondir", encoding: .utf8))
            .map { path in
                let trimmed = path.trimmingCharacters(in: .whitespacesAndNewlines)
                return trimmed.hasPrefix("/") ? trimmed : gitDirectory + "/" + trimmed
            } ?? gitDirectory
        for root in [gitDirectory, common] {
            if let loose = try? String(contentsOfFile: root + "/" + ref, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !loose.isEmpty {
                return loose
            }
            if let packed = try? String(contentsOfFile: root + "/packed-refs", encoding: .utf8),
               let line = packed.split(separator: "\n").first(where: { $0.hasSuffix(" " + ref) }) {
                return String(line.prefix { $0 != " " })
            }
        }
        return nil
    }

    /// The command line as typed, arguments with spaces quoted.
    package static var commandLine: String {
        CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    /// CPU, cores, memory, OS, Swift, git commit and date, in that order.
    package static func environment() -> [(key: String, value: JSONValue)] {
        let process = ProcessInfo.processInfo
        return [
            ("cpu", .string(cpuModel)), ("cores", .int(process.activeProcessorCount)),
            ("memoryBytes", .int(Int(process.physicalMemory))),
            ("os", .string(process.operatingSystemVersionString)), ("swift", .string(swiftVersion)),
            ("gitCommit", .string(gitCommit)), ("date", .string(ISO8601DateFormatter().string(from: Date()))),
        ]
    }
}
