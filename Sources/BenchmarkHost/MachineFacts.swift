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

    /// The working directory's git commit (12 digits), or "unknown" outside a checkout.
    package static func gitCommit() async -> String {
        guard let outcome = try? await ChildProcess.run("git", ["rev-parse", "--short=12", "HEAD"]), outcome.succeeded else { return "unknown" }
        let text = outcome.outputText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "unknown" : text
    }

    /// The command line as typed, arguments with spaces quoted.
    package static var commandLine: String {
        CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    /// CPU, cores, memory, OS, Swift, git commit and date, in that order.
    package static func environment() async -> [(key: String, value: JSONValue)] {
        let process = ProcessInfo.processInfo
        return [
            ("cpu", .string(cpuModel)), ("cores", .int(process.activeProcessorCount)),
            ("memoryBytes", .int(Int(process.physicalMemory))),
            ("os", .string(process.operatingSystemVersionString)), ("swift", .string(swiftVersion)),
            ("gitCommit", .string(await gitCommit())), ("date", .string(ISO8601DateFormatter().string(from: Date()))),
        ]
    }
}
