import AllocationCounter
import ArgumentParser
import BenchmarkHost
import PreflightLoad
import PreflightReport

/// Output formats shared by the measuring subcommands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--format`, shared by run, load, simulate and matchers.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format on standard output: table, json or csv.")
    var format: OutputFormat = .table

    /// The one way a subcommand shows a result: `report` in --format on
    /// standard output (`tableText` in place of its console text, where the
    /// subcommand adds lines), then its files in `out`.
    func emit(_ report: some ResultReport, out: String?, tableText: String? = nil) throws {
        let format = ReportFormat(rawValue: format.rawValue)!
        print(format == .table ? tableText ?? report.consoleText : report.rendered(format))
        if let out {
            try reportingFailures { try Files.write(report.files(), to: out) }
            StandardError.line("wrote \(out)/\(report.fileSummary)")
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
