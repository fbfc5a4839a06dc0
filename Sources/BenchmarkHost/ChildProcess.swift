import Dispatch
import Synchronization
import Subprocess

/// The one way this package runs another program (the C floor and its
/// compiler, the jemalloc child, git): swift-subprocess, with standard
/// output collected and standard error inherited or discarded.
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
    ///
    /// Synchronous on purpose: the callers are the command line's steps, run
    /// one after another on the main thread, never on a concurrency pool
    /// thread, so waiting here blocks nothing else. Throws when the program
    /// cannot start or prints more than `outputLimit` bytes.
    package static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                            inheritStandardError: Bool = false, outputLimit: Int = 16 << 20) throws(HostError) -> Outcome {
        let result = Mutex<Result<Outcome, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let target: Executable = executable.contains("/") ? .path(.init(executable)) : .name(executable)
        let environment = Environment.inherit.updating(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(rawValue: $0.key)!, Optional($0.value)) }))
        Task.detached {
            let outcome: Result<Outcome, any Error>
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
                outcome = .success(Outcome(exitCode: code, output: output))
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        switch result.withLock({ $0 })! {
        case let .success(outcome): return outcome
        case let .failure(error): throw HostError("cannot run \(executable): \(error)")
        }
    }
}
