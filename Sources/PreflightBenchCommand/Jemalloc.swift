import AllocationCounter
import ArgumentParser
import Foundation
import JSONValue
import PreflightLoad

/// Runs points under jemalloc by re-running this executable with jemalloc preloaded.
enum Jemalloc {
    static let candidates = ["/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2"]

    static var isLoaded: Bool { preflight_jemalloc_loaded() != 0 }

    static var library: String? { candidates.first { FileManager.default.fileExists(atPath: $0) } }

    /// Re-runs the command for jemalloc only, with `--child` so it prints its report as JSON.
    static func runChild(arguments: [String], progress: Progress) throws -> [LoadPoint] {
        guard let library else {
            printError("--allocator jemalloc: libjemalloc.so.2 not found. Install it with `sudo apt-get install libjemalloc-dev` (Debian, Ubuntu).")
            throw ExitCode(1)
        }
        var childArguments: [String] = []
        var skip = false
        for argument in arguments.dropFirst() {
            if skip { skip = false; continue }
            if ["--allocator", "--format", "--out"].contains(argument) { skip = true; continue }
            if argument.hasPrefix("--allocator=") || argument.hasPrefix("--format=") || argument.hasPrefix("--out=") { continue }
            childArguments.append(argument)
        }
        if childArguments.first != "run" { childArguments.insert("run", at: 0) }
        childArguments += ["--allocator", "jemalloc", "--format", "json", "--child"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = childArguments
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = library
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 || process.terminationStatus == 130 else {
            printError("the jemalloc run failed with status \(process.terminationStatus)")
            throw ExitCode(1)
        }
        guard let value = try? JSONValue.parse(Array(output)), let report = try? LoadReport(json: value) else {
            printError("the jemalloc run printed no readable report")
            throw ExitCode(1)
        }
        return report.points
    }
}
