import Foundation

/// The C floor (`../shared/tools/floor.c`): a plain open-addressing table
/// over the hot key shape, compiled here with `gcc -O3 -march=native` and run
/// in the same session as the points, so its figure and ours share a machine
/// and a moment.
package final class FloorProgram {
    package let source: String
    let binary = NSTemporaryDirectory() + "preflight-floor-\(getpid())"

    /// Compiles `source`.
    package init(source: String) throws(HostError) {
        self.source = source
        guard Files.exists(source) else { throw HostError("--floor: no such file \(source)") }
        let compiled = try? ChildProcess.runBlocking("gcc", ["-O3", "-march=native", source, "-o", binary, "-lm"])
        guard compiled?.succeeded == true else { throw HostError("--floor: gcc could not build \(source) (is gcc installed?)") }
    }

    deinit { try? FileManager.default.removeItem(atPath: binary) }

    /// Runs the program once: its best pass, in ns per decision.
    package func measure() throws(HostError) -> Double {
        let outcome = try ChildProcess.runBlocking(binary, [])
        guard outcome.succeeded, let nanos = Double(outcome.outputText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HostError("--floor: \(source) did not print a number of nanoseconds")
        }
        return nanos
    }
}
