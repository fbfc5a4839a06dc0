import Foundation
package import PreflightLoad

/// `run --allocator jemalloc`: the same command run again as a child with
/// Debian's libjemalloc preloaded, printing its report as JSON for the
/// parent to merge (an allocator cannot be swapped inside a process).
package enum JemallocChild {
    static let candidates = ["/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2"]

    /// The shared library to preload, where installed.
    package static var library: String? { candidates.first { Files.exists($0) } }

    /// The parent's arguments (without the executable) for the child: the
    /// allocator, format and output options replaced, the floor left to the
    /// parent, `--child` added.
    package static func arguments(from parent: [String]) -> [String] {
        var arguments: [String] = []
        var skipValue = false
        for argument in parent {
            if skipValue { skipValue = false; continue }
            if ["--allocator", "--format", "--out", "--floor"].contains(argument) { skipValue = true; continue }
            if ["--allocator=", "--format=", "--out=", "--floor="].contains(where: argument.hasPrefix) { continue }
            arguments.append(argument)
        }
        if arguments.first != "run" { arguments.insert("run", at: 0) }
        return arguments + ["--allocator", "jemalloc", "--format", "json", "--child"]
    }

    /// Runs the child and returns its points. Its progress goes to this
    /// process's standard error as it runs.
    package static func run(parentArguments: [String]) throws(HostError) -> [LoadPoint] {
        guard let library else {
            throw HostError("--allocator jemalloc: libjemalloc.so.2 not found. Install it with `sudo apt-get install libjemalloc-dev` (Debian, Ubuntu).")
        }
        let outcome = try ChildProcess.runBlocking("/proc/self/exe", arguments(from: parentArguments), environment: ["LD_PRELOAD": library],
                                           inheritStandardError: true, outputLimit: 256 << 20)
        // 130: the child was interrupted and printed what it measured.
        guard outcome.exitCode == 0 || outcome.exitCode == 130 else {
            throw HostError("the jemalloc run failed with status \(outcome.exitCode.map(String.init) ?? "signal")")
        }
        return try ReportFile.decode(outcome.output, from: "the jemalloc run's output").points
    }
}
