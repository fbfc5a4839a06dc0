import Subprocess

/// The one way this package runs another program (the C floor and its
/// compiler, the jemalloc child, git): swift-subprocess, with standard
/// output collected and standard error inherited or discarded. Async, so the
/// command that waits for a program suspends instead of blocking a thread.
package enum ChildProcess {
    /// How a program ended and what it printed.
    package struct Outcome: Sendable {
        /// The exit status; nil when a signal ended the program.
        package var exitCode: Int32?
        package var output: [UInt8]
        package var outputText: String { String(decoding: output, as: UTF8.self) }
        package var succeeded: Bool { exitCode == 0 }
    }

    /// Runs `executable` (a path, or a name looked up in `PATH`) to the end.
    /// Throws when the program cannot start or prints more than `outputLimit` bytes.
    package static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                            inheritStandardError: Bool = false, outputLimit: Int = 16 << 20) async throws(HostError) -> Outcome {
        let target: Executable = executable.contains("/") ? .path(.init(executable)) : .name(executable)
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment {
            guard let key = Environment.Key(rawValue: name) else { throw HostError("cannot run \(executable): invalid environment variable name \"\(name)\"") }
            overrides[key] = value
        }
        let environment = Environment.inherit.updating(overrides)
        do {
            let status: TerminationStatus, output: [UInt8]
            if inheritStandardError {
                let run = try await Subprocess.run(target, arguments: Arguments(arguments), environment: environment, output: .bytes(limit: outputLimit),
                                                   error: .fileDescriptor(.standardError, closeAfterSpawningProcess: false))
                (status, output) = (run.terminationStatus, run.standardOutput)
            } else {
                let run = try await Subprocess.run(target, arguments: Arguments(arguments), environment: environment, output: .bytes(limit: outputLimit),
                                                   error: .discarded)
                (status, output) = (run.terminationStatus, run.standardOutput)
            }
            let code: Int32? = if case let .exited(code) = status { Int32(code) } else { nil }
            return Outcome(exitCode: code, output: output)
        } catch {
            throw HostError("cannot run \(executable): \(error)")
        }
    }
}
