import Dispatch
import Subprocess
import Synchronization

/// The one way this package runs another program (the C floor and its
/// compiler, the jemalloc child): swift-subprocess, with standard
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

    /// `run`, for synchronous callers: the command line's steps, which run on
    /// the main thread. The command line stays synchronous because an async
    /// `main` parks the main thread in `dispatch_main`, where valgrind 3.19
    /// crashes, and callgrind is how this project counts instructions
    /// (Benchmarks/instructions-per-decision.sh). Waiting here blocks only
    /// the calling thread, never one of the concurrency pool's, which run the
    /// child's I/O. Never call it from a task.
    package static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                                    inheritStandardError: Bool = false, outputLimit: Int = 16 << 20) throws(HostError) -> Outcome {
        let handoff = Handoff()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<Outcome, HostError>
            do throws(HostError) {
                result = .success(try await run(executable, arguments, environment: environment,
                                                inheritStandardError: inheritStandardError, outputLimit: outputLimit))
            } catch {
                result = .failure(error)
            }
            handoff.put(result)
            done.signal()
        }
        done.wait()
        return try handoff.take().get()
    }

    /// One result passed from the task to the waiting thread.
    final class Handoff: @unchecked Sendable {
        // Sendable: `result` is written once, by the task, before `ready` is
        // stored with release ordering; it is read once, by the waiter, after
        // `ready` is loaded with acquire ordering. The atomic pair orders the
        // two accesses (ThreadSanitizer sees it too), and the semaphore only
        // does the waiting.
        private var result: Result<Outcome, HostError>?
        private let ready = Atomic<Bool>(false)

        func put(_ value: Result<Outcome, HostError>) {
            result = value
            ready.store(true, ordering: .releasing)
        }

        func take() -> Result<Outcome, HostError> {
            precondition(ready.load(ordering: .acquiring), "taken before the task put its result")
            return result.unsafelyUnwrapped
        }
    }
}
