import JSONValue

/// Writes traces: JSON Lines and CSV that `run --trace` and `simulate
/// --trace` read back, and libCacheSim's CSV layout (one object id per
/// distinct preflight key) for cross-checking `simulate` with libCacheSim.
package enum TraceWriter {
    package enum Format: String, Sendable, CaseIterable {
        case jsonl, csv, libcachesim
    }

    /// The first line, if the format has a header row.
    package static func header(_ format: Format) -> String? {
        switch format {
        case .jsonl: return nil
        case .csv: return "time,origin,method,headers,url,client"
        case .libcachesim: return "time,obj_id,obj_size"
        }
    }

    /// The libCacheSim command that reads `libcachesim` output.
    package static let libCacheSimUsage = #"cachesim trace.csv csv lru 1000 -t "time-col=1, obj-id-col=2, obj-size-col=3, delimiter=,, has-header=true""#

    /// One record as a line (without its newline). `key` is the record's
    /// preflight key id, used by `libcachesim` only.
    package static func line(_ r: TraceRecord, format: Format, key: Int = 0) -> String {
        let time = r.time.map { formatTime($0) } ?? ""
        switch format {
        case .jsonl:
            var fields: [(key: String, value: JSONValue)] = []
            if let t = r.time { fields.append(("time", .number(formatTime(t)))) }
            fields += [("origin", .string(r.origin)), ("method", .string(r.method))]
            if let h = r.headers { fields.append(("headers", .string(h))) }
            if let u = r.url { fields.append(("url", .string(u))) }
            if let c = r.client { fields.append(("client", .string(c))) }
            if r.kind == .actual { fields.append(("kind", .string("actual"))) }
            return JSONValue.object(fields).jsonText
        case .csv:
            return [time, r.origin, r.method, r.headers ?? "", r.url ?? "", r.client ?? ""].map(CSVColumns.quoted).joined(separator: ",")
        case .libcachesim:
            // Seconds as integers: libCacheSim's time column is an integer clock.
            return "\(Int((r.time ?? 0).rounded(.down))),\(key),1"
        }
    }

    /// Milliseconds are enough for a trace and keep lines short.
    static func formatTime(_ t: Double) -> String {
        let millis = (t * 1000).rounded()
        let whole = Int(millis / 1000), fraction = Int(millis) - whole * 1000
        return fraction == 0 ? "\(whole)" : "\(whole)." + String(String(fraction + 1000).dropFirst()).replacingTrailingZeros()
    }

}

extension String {
    func replacingTrailingZeros() -> String {
        var s = self
        while s.last == "0" { s.removeLast() }
        return s
    }
}
