import ArgumentParser
import CORSPolicy
import Foundation

/// Reads a file the user named, or `-` for standard input, with an error that names it.
func readInput(_ path: String, what: String) throws -> [UInt8] {
    if path == "-" {
        return Array(FileHandle.standardInput.readDataToEndOfFile())
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CLIError("cannot read \(what) \(path): no such file")
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
        throw CLIError("cannot read \(what) \(path): \(isDirectory.boolValue ? "it is a directory" : "permission denied or unreadable")")
    }
    return Array(data)
}

/// Loads and validates a policy file; on failure prints one line per problem and exits 1.
func loadPolicy(_ path: String) throws -> CORSPolicy {
    let bytes = try readInput(path, what: "policy file")
    do {
        return try CORSPolicy(json: bytes)
    } catch {
        for problem in error.problems { printError("\(path): \(problem)") }
        throw ExitCode(1)
    }
}

/// A user-facing failure: printed as one line on stderr, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
