#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JSONValue

/// Reads a trace pushed to it in chunks of any size (so a trace of any
/// length is read in bounded memory: a line at a time; HAR, a single JSON
/// document, whole), and hands on each line's outcome.
///
/// The caller does the I/O (`BenchmarkHost.TraceFile` reads files).
package struct TraceParser {
    /// What one line (HAR: one entry) of a trace holds.
    package enum Item: Sendable, Equatable {
        case record(TraceRecord)
        /// A well-formed line that is no CORS request (no `Origin`, say): counted, not an error.
        case skipped
        case bad(TraceLineError)
    }

    package let format: TraceFormat
    /// Lines read so far.
    package internal(set) var lineNumber = 0
    private var partial: [UInt8] = []
    private var columns: CSVColumns?
    var document: [UInt8] = []

    /// The longest line accepted: far above any request's, and a bound on memory.
    package static let maximumLineLength = 1 << 20
    /// The largest HAR file accepted (it is parsed whole).
    package static let maximumHARBytes = 1 << 30

    package init(format: TraceFormat) { self.format = format }

    package mutating func consume(_ chunk: UnsafeRawBufferPointer, _ emit: (Item) -> Void) {
        if format == .har {
            if document.count + chunk.count <= Self.maximumHARBytes { document.append(contentsOf: chunk) } else { document = [0] }
            return
        }
        var start = 0
        while let newline = Self.newline(in: chunk, from: start) {
            let i = newline
            if partial.isEmpty {
                line(UnsafeRawBufferPointer(rebasing: chunk[start..<i]), emit)
            } else {
                partial.append(contentsOf: chunk[start..<i])
                let whole = partial
                partial.removeAll(keepingCapacity: true)
                whole.withUnsafeBytes { line($0, emit) }
            }
            start = i + 1
        }
        if start < chunk.count {
            if partial.count < Self.maximumLineLength + 1 { partial.append(contentsOf: chunk[start..<min(chunk.count, start + Self.maximumLineLength + 1)]) }
        }
    }

    /// The next `\n` at or after `start` (memchr: vectorized).
    @inline(__always)
    static func newline(in chunk: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < chunk.count, let base = chunk.baseAddress,
              let found = memchr(base + start, 0x0A, chunk.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// The last line (without its newline), or the whole HAR document.
    package mutating func finish(_ emit: (Item) -> Void) {
        if format == .har {
            parseHAR(emit)
            return
        }
        if !partial.isEmpty {
            let whole = partial
            partial = []
            whole.withUnsafeBytes { line($0, emit) }
        }
    }

    private mutating func line(_ raw: UnsafeRawBufferPointer, _ emit: (Item) -> Void) {
        lineNumber += 1
        var bytes = raw
        if let last = bytes.last, last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        if bytes.isEmpty || ((bytes[0] == 0x20 || bytes[0] == 0x09) && bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 })) { return }
        guard bytes.count <= Self.maximumLineLength else {
            return emit(.bad(TraceLineError(line: lineNumber, message: "longer than \(Self.maximumLineLength) bytes")))
        }
        let result: Item
        switch format {
        case .jsonl: result = Self.jsonLine(bytes, lineNumber)
        case .nginx: result = Self.nginxLine(bytes, lineNumber)
        case .csv:
            guard let columns else {
                switch CSVColumns.parse(bytes) {
                case let .success(c): columns = c
                case let .failure(message): emit(.bad(TraceLineError(line: lineNumber, message: message)))
                }
                return
            }
            result = columns.record(bytes, lineNumber)
        case .har: return
        }
        emit(result)
    }
}

extension TraceParser {
    /// A JSON Lines request: `{"time", "origin", "method", "headers", "url", "client"}`.
    static func jsonLine(_ bytes: UnsafeRawBufferPointer, _ number: Int) -> Item {
        if let members = FlatJSONLine.members(bytes), let record = flatRecord(members) { return .record(record) }
        let value: JSONValue
        do { value = try JSONValue.parse(Array(bytes)) } catch {
            return .bad(TraceLineError(line: number, message: "not JSON: \(error.message)"))
        }
        var reader = JSONObjectReader(value, what: "a trace line", knownKeys: ["time", "origin", "method", "headers", "url", "client", "kind"])
        let origin = reader.string("origin", required: true), method = reader.string("method", required: true)
        let headers = reader.isNull("headers") ? nil : reader.string("headers")
        let url = reader.string("url"), client = reader.string("client")
        var time: Double?
        switch reader.value("time") {
        case let .number(text)?: time = Double(text)
        case let .string(text)?:
            time = Timestamp.seconds(Substring(text))
            if time == nil { reader.problem("time", "\"\(text)\" is neither Unix seconds nor an RFC 3339 date-time") }
        case nil, .null?: break
        case let other?: reader.problem("time", "expected Unix seconds or an RFC 3339 string, found \(other.kindDescription)")
        }
        let kind = reader.choice("kind", of: TraceRecord.Kind.self) ?? .preflight
        guard reader.problems.isEmpty, let origin, let method else {
            return .bad(TraceLineError(line: number, message: reader.problems.map(\.description).joined(separator: "; ")))
        }
        return .record(TraceRecord(kind: kind, time: time, origin: origin, method: method, headers: headers, url: url, client: client))
    }

    /// The record of a flat line's members, or nil when anything is missing,
    /// unknown or mistyped (the full reading then words the problem).
    static func flatRecord(_ members: [(key: String, value: FlatJSONLine.Value)]) -> TraceRecord? {
        var origin: String?, method: String?, headers: String?, url: String?, client: String?, time: Double?
        var kind = TraceRecord.Kind.preflight
        for (key, value) in members {
            switch (key, value) {
            case let ("origin", .string(s)) where origin == nil: origin = s
            case let ("method", .string(s)) where method == nil: method = s
            case let ("headers", .string(s)) where headers == nil: headers = s
            case let ("url", .string(s)) where url == nil: url = s
            case let ("client", .string(s)) where client == nil: client = s
            case let ("time", .number(t)) where time == nil: time = t
            case let ("time", .string(s)) where time == nil:
                guard let t = Timestamp.seconds(Substring(s)) else { return nil }
                time = t
            case let ("kind", .string(s)):
                guard let k = TraceRecord.Kind(rawValue: s) else { return nil }
                kind = k
            default: return nil
            }
        }
        guard let origin, let method else { return nil }
        return TraceRecord(kind: kind, time: time, origin: origin, method: method, headers: headers, url: url, client: client)
    }

    /// A line in `TraceFormat.nginxLogFormat`: `$msec` then six quoted, JSON-escaped values.
    static func nginxLine(_ bytes: UnsafeRawBufferPointer, _ number: Int) -> Item {
        var i = 0
        while i < bytes.count && bytes[i] != 0x20 { i += 1 }
        guard let time = Timestamp.seconds(Substring(String(decoding: bytes[0..<i], as: UTF8.self))) else {
            return .bad(TraceLineError(line: number, message: "does not start with $msec (Unix seconds)"))
        }
        var fields: [String] = []
        while fields.count < 6 {
            while i < bytes.count && bytes[i] == 0x20 { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                return .bad(TraceLineError(line: number, message: "expected 6 quoted fields after $msec, found \(fields.count) (is the log_format the README's?)"))
            }
            i += 1
            // Most values hold no escape: take them as they are.
            let start = i
            while i < bytes.count && bytes[i] != UInt8(ascii: "\"") && bytes[i] != UInt8(ascii: "\\") { i += 1 }
            if i < bytes.count && bytes[i] == UInt8(ascii: "\"") {
                fields.append(String(decoding: bytes[start..<i], as: UTF8.self))
                i += 1
                continue
            }
            var field = Array(bytes[start..<i])
            var closed = false
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { closed = true; i += 1; break }
                if b == UInt8(ascii: "\\"), i + 1 < bytes.count {
                    let e = bytes[i + 1]
                    i += 2
                    switch e {
                    case UInt8(ascii: "n"): field.append(0x0A)
                    case UInt8(ascii: "r"): field.append(0x0D)
                    case UInt8(ascii: "t"): field.append(0x09)
                    case UInt8(ascii: "u") where i + 4 <= bytes.count:
                        let scalar = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16).flatMap(Unicode.Scalar.init) ?? "\u{FFFD}"
                        field.append(contentsOf: String(scalar).utf8)
                        i += 4
                    default: field.append(e)
                    }
                    continue
                }
                field.append(b)
                i += 1
            }
            guard closed else { return .bad(TraceLineError(line: number, message: "a quoted field is not closed")) }
            fields.append(String(decoding: field, as: UTF8.self))
        }
        let (client, method, url, origin, requestMethod, requestHeaders) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5])
        // nginx logs an absent header as "" with escape=json (as "-" without it).
        func present(_ s: String) -> String? { s.isEmpty || s == "-" ? nil : s }
        guard let origin = present(origin) else { return .skipped }
        if method == "OPTIONS", let requestMethod = present(requestMethod) {
            return .record(TraceRecord(kind: .preflight, time: time, origin: origin, method: requestMethod, headers: present(requestHeaders),
                                       url: present(url), client: present(client)))
        }
        return .record(TraceRecord(kind: .actual, time: time, origin: origin, method: method, url: present(url), client: present(client)))
    }
}
