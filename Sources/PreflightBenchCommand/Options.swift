import AllocationCounter
import ArgumentParser
import BenchmarkHost
import OriginMatching
import PreflightCache
import PreflightLoad

/// Output formats shared by the measuring subcommands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--format`, shared by run, simulate and matchers.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format on standard output: table, json or csv.")
    var format: OutputFormat = .table
}

/// Comma-separated option values, parsed once (in `transform:`) into typed
/// lists; an error names the option and the element at fault.
enum CommaList {
    static func parse<T>(_ text: String, option: String, expected: String, _ element: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
        guard !parts.contains(where: \.isEmpty) else {
            throw ValidationError("--\(option) needs a comma-separated list without empty elements, got \"\(text)\"")
        }
        return try parts.map { part in
            guard let value = element(part) else { throw ValidationError("\"\(part)\" is not \(expected)") }
            return value
        }
    }

    /// Integers in `range`; with `powersOfTwo`, only powers of two.
    static func integers(_ option: String, in range: ClosedRange<Int>, powersOfTwo: Bool = false) -> @Sendable (String) throws -> [Int] {
        { text in
            try parse(text, option: option, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)\(powersOfTwo ? " that is a power of two" : "")") { part in
                Int(part).flatMap { range.contains($0) && (!powersOfTwo || $0 & ($0 - 1) == 0) ? $0 : nil }
            }
        }
    }

    /// One name of a string enumeration's cases.
    static func name<T: RawRepresentable & CaseIterable & Sendable>(_ option: String, of type: T.Type) -> @Sendable (String) throws -> T where T.RawValue == String {
        let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
        return { text in
            guard let value = T(rawValue: text) else {
                throw ValidationError("\"\(text)\" is not one of \(choices)")
            }
            return value
        }
    }

    /// Names of a string enumeration's cases.
    static func names<T: RawRepresentable & CaseIterable & Sendable>(_ option: String, of type: T.Type) -> @Sendable (String) throws -> [T] where T.RawValue == String {
        let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
        return { text in
            try parse(text, option: option, expected: "one of \(choices)") { T(rawValue: $0) }
        }
    }
}

extension Array {
    /// The list as a comma-separated option value, for help and reports.
    var commaSeparated: String { map { "\($0)" }.joined(separator: ",") }
}

extension ArgumentHelp {
    /// Help for a comma-separated list option, with its default as one would type it.
    static func list(_ abstract: String, default value: [some Any], valueName: String) -> ArgumentHelp {
        ArgumentHelp("\(abstract) (default: \(value.commaSeparated))", valueName: valueName)
    }
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}

extension Substring {
    func trimmingCharacters(in character: Character) -> String { String(self).trimmingCharacters(in: character) }
}

/// The allocators `run` can measure under.
enum Allocator: String, CaseIterable {
    case system, jemalloc
}

/// Counts the calling thread's allocations through the interposer linked into this executable.
let allocationProbe = AllocationProbe(isActive: preflight_allocation_counting_active() != 0, read: { preflight_thread_allocations() },
                                      heapBytes: { let b = preflight_heap_bytes(); return b >= 0 ? b : nil })

/// Runs `body`, turning a `HostError` into its line on standard error and exit status 1.
func reportingFailures<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let error as HostError {
        StandardError.line(error.description)
        throw ExitCode(1)
    }
}
