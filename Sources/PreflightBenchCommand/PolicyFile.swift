import ArgumentParser
import BenchmarkHost
import CORSPolicy

/// Loads and validates a policy file; on failure prints one line per problem and exits 1.
func loadPolicy(_ path: String) throws -> CORSPolicy {
    let bytes = try reportingFailures { try Files.read(path, what: "policy file") }
    do {
        return try CORSPolicy(json: bytes)
    } catch {
        for problem in error.problems { StandardError.line("\(path): \(problem)") }
        throw ExitCode(1)
    }
}
