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

    /// The git commit (12 digits) this tool was built from, recorded at
    /// build time by BuildCommitPlugin: the code that measured, whatever
    /// directory the tool runs in; "unknown" when built outside a checkout.
    package static var gitCommit: String { buildCommit }

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
