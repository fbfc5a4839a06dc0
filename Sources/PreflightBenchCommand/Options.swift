import AllocationCounter
import ArgumentParser
import PreflightLoad

/// Output formats shared by the measuring subcommands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Parses a comma-separated option value, naming the option and the bad element on error.
func parseList<T>(_ text: String, option: String, _ transform: (String) -> T?) throws -> [T] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
    guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
        throw ValidationError("--\(option) needs a comma-separated list without empty elements, got \"\(text)\"")
    }
    return try parts.map { part in
        guard let value = transform(part) else { throw ValidationError("--\(option): invalid value \"\(part)\"") }
        return value
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}

/// Counts the calling thread's allocations through the interposer linked into this executable.
let allocationProbe = AllocationProbe(isActive: preflight_allocation_counting_active() != 0, read: { preflight_thread_allocations() },
                                      heapBytes: { let b = preflight_heap_bytes(); return b >= 0 ? b : nil })
