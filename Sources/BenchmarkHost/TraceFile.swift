#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
package import PreflightTrace

/// Reads a trace file a megabyte at a time (memory bounded by what the
/// caller keeps, not by the file's length) and counts what its lines held.
package enum TraceFile {
    /// What a trace held: its format, its records by kind, and its bad lines.
    package struct Summary: Sendable, CustomStringConvertible {
        package var path: String
        package var format: TraceFormat
        package var lines = 0
        package var preflights = 0
        package var actualRequests = 0
        /// Well-formed lines that are no CORS request (no `Origin`, or same-origin).
        package var skipped = 0
        package var bad = 0
        /// The first bad lines, with their numbers.
        package var firstBad: [TraceLineError] = []

        package var description: String {
            var text = "\(path) (\(format.rawValue)): \(lines) lines, \(preflights) preflights, \(actualRequests) actual cross-origin requests, "
                + "\(skipped) other requests skipped, \(bad) bad lines"
            if !firstBad.isEmpty { text += "\n" + firstBad.map { "  \(path): \($0)" }.joined(separator: "\n") + (bad > firstBad.count ? "\n  ..." : "") }
            return text
        }
    }

    /// Bad lines shown in a summary.
    package static let badLinesShown = 5

    /// Reads `path` (format given, or recognized from its first bytes),
    /// calling `body` with each record in order. With `strict`, the first
    /// bad line is an error.
    package static func read(_ path: String, format given: TraceFormat? = nil, strict: Bool = false,
                             _ body: (TraceRecord) -> Void) throws(HostError) -> Summary {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw HostError("cannot read trace file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var first = true
        var parser = TraceParser(format: given ?? .jsonl)
        var summary = Summary(path: path, format: parser.format)
        var failure: HostError?
        func handle(_ item: TraceParser.Item) {
            switch item {
            case let .record(r):
                if r.kind == .preflight { summary.preflights += 1 } else { summary.actualRequests += 1 }
                body(r)
            case .skipped: summary.skipped += 1
            case let .bad(error):
                summary.bad += 1
                if summary.firstBad.count < badLinesShown { summary.firstBad.append(error) }
                if strict && failure == nil { failure = HostError("\(path): \(error) (--strict stops at the first bad line)") }
            }
        }
        while failure == nil {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw HostError("cannot read trace file \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            if first {
                first = false
                if given == nil {
                    parser = TraceParser(format: TraceFormat.recognize(buffer[0..<n]))
                    summary.format = parser.format
                }
            }
            buffer.withUnsafeBytes { parser.consume(UnsafeRawBufferPointer(rebasing: $0[0..<n]), handle) }
        }
        if failure == nil { parser.finish(handle) }
        summary.lines = parser.lineNumber
        if let failure { throw failure }
        return summary
    }
}
