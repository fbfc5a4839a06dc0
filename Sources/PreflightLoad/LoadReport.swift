import PreflightTrace
import OrderedCollections
package import JSONValue
import OriginMatching
import PreflightCache
package import PreflightReport

/// A run's results: the environment, the harness overhead per scenario, and the points.
package struct LoadReport: Sendable {
    package var environment: [(key: String, value: JSONValue)]
    /// Nanoseconds per decision the harness costs with a no-op engine, per scenario.
    package var harnessOverhead: [(scenario: String, nanos: Double)]
    package var points: [LoadPoint]

    package init(environment: [(key: String, value: JSONValue)], harnessOverhead: [(scenario: String, nanos: Double)], points: [LoadPoint]) {
        self.environment = environment
        self.harnessOverhead = harnessOverhead
        self.points = points
    }

    package var jsonValue: JSONValue {
        .object([
            ("environment", .object(environment.map { ($0.key, $0.value) })),
            ("harnessOverheadNanos", .object(harnessOverhead.map { ($0.scenario, JSONValue.double($0.nanos, fractionDigits: 2)) })),
            ("points", .array(points.map(\.jsonValue))),
            ("breakEven", .array(breakEvens().map(\.jsonValue))),
        ])
    }

    /// Reads a report written by `jsonValue` (for `report DIR`).
    package init(json: JSONValue) throws(ReportReadError) {
        var reader = JSONObjectReader(json, what: "run.json", knownKeys: nil)
        environment = reader.object("environment", required: true) ?? []
        harnessOverhead = (reader.object("harnessOverheadNanos") ?? []).compactMap { member in member.value.doubleValue.map { (member.key, $0) } }
        points = []
        for (i, value) in (reader.array("points", required: true) ?? []).enumerated() {
            var point = JSONObjectReader(value, path: "points[\(i)]", what: "a point", knownKeys: nil)
            if let decoded = LoadPoint(&point) { points.append(decoded) }
            reader.append(contentsOf: point.problems)
        }
        if !reader.problems.isEmpty { throw ReportReadError(reader.problems.map(\.description).joined(separator: "\n")) }
    }
}

/// What is wrong with a run.json, one line per problem.
package struct ReportReadError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

extension LoadPoint {
    /// Nanoseconds per decision on one worker: workers / throughput.
    package var nsPerDecision: Double { Double(workers) / decisionsPerSecond.median * 1e9 }

    /// Whether the repetitions spread more than 10 % around their median:
    /// the machine's speed changed during the point, so its figures are
    /// noise rather than a property of the configuration.
    package var isNoisy: Bool {
        let spread = decisionsPerSecond
        return spread.median > 0 && (spread.max / spread.median > 1.1 || spread.min / spread.median < 0.9)
    }

    /// A label for the configuration, without the worker count.
    package var configurationLabel: String { http.map { "http \($0.label)" } ?? configurationLabel(capacity: true, matcher: true) }

    /// The label with the capacity or the matcher left out, where a chart's
    /// axis or a run's single matcher already says it.
    func configurationLabel(capacity includeCapacity: Bool, matcher includeMatcher: Bool) -> String {
        var parts = [cache.rawValue]
        if let eviction { parts.append(eviction.rawValue) }
        if includeCapacity, let capacity { parts.append(formatCount(capacity)) }
        if let shards, shards != 64 { parts.append("\(shards) shards") }
        if includeMatcher { parts.append(matcher.rawValue) }
        return parts.joined(separator: " ")
    }

    package var jsonValue: JSONValue {
        func optional(_ v: Int?) -> JSONValue { v.map { .int($0) } ?? .null }
        func optional(_ v: Double?, _ digits: Int) -> JSONValue { v.map { .double($0, fractionDigits: digits) } ?? .null }
        return .object([
            ("scenario", .string(scenario)), ("workers", .int(workers)), ("cache", .string(cache.rawValue)),
            ("matcher", .string(matcher.rawValue)), ("capacity", optional(capacity)), ("eviction", eviction.map { .string($0.rawValue) } ?? .null),
            ("shards", optional(shards)), ("allocator", .string(allocator)),
            ("decisions", .int(decisions)), ("seconds", .double(seconds, fractionDigits: 3)),
            ("decisionsPerSecond", .double(decisionsPerSecond.median, fractionDigits: 0)),
            ("decisionsPerSecondMin", .double(decisionsPerSecond.min, fractionDigits: 0)),
            ("decisionsPerSecondMax", .double(decisionsPerSecond.max, fractionDigits: 0)),
            ("decisionsPerSecondRepetitions", .array(decisionsPerSecond.samples.map { .double($0, fractionDigits: 0) })),
            ("noisy", .bool(isNoisy)),
            ("nsPerDecision", .double(nsPerDecision, fractionDigits: 2)),
            ("hitRate", optional(hitRate, 4)),
            ("p50Nanos", .int(p50Nanos)), ("p99Nanos", .int(p99Nanos)), ("p999Nanos", .int(p999Nanos)),
            ("meanNanos", optional(meanNanos, 1)),
            ("hitMeanNanos", optional(hitLatency?.meanNanos, 1)),
            ("hitP50Nanos", optional(hitLatency.map { Int($0.p50Nanos) })), ("hitP99Nanos", optional(hitLatency.map { Int($0.p99Nanos) })),
            ("missMeanNanos", optional(missLatency?.meanNanos, 1)),
            ("missP50Nanos", optional(missLatency.map { Int($0.p50Nanos) })), ("missP99Nanos", optional(missLatency.map { Int($0.p99Nanos) })),
            ("allocationsPerDecision", optional(allocationsPerDecision, 4)),
            ("entries", optional(entries)), ("bytesPerEntry", optional(bytesPerEntry, 1)), ("heapBytes", optional(heapBytes)),
            ("evictions", optional(evictions)), ("expirations", optional(expirations)),
            ("stopped", .bool(stopped)),
            ("conformance", optional(http?.conformance, 6)),
            ("errors", optional(http.map { $0.errors.reduce(0) { $0 + $1.count } })),
            ("http", http?.jsonValue ?? .null),
        ])
    }

    /// Reads a point as `jsonValue` writes it; nil, with the reader's
    /// problems naming each missing or mistyped key, when it cannot.
    init?(_ json: inout JSONObjectReader) {
        let scenario = json.string("scenario", required: true), workers = json.int("workers", required: true)
        let cache = json.choice("cache", of: PreflightCacheKind.self, required: true)
        let matcher = json.choice("matcher", of: OriginMatcherKind.self, required: true)
        let decisions = json.int("decisions", required: true), seconds = json.double("seconds", required: true)
        let dps = json.double("decisionsPerSecond", required: true), dpsMin = json.double("decisionsPerSecondMin", required: true)
        let dpsMax = json.double("decisionsPerSecondMax", required: true)
        let p50 = json.int("p50Nanos", required: true), p99 = json.int("p99Nanos", required: true), p999 = json.int("p999Nanos", required: true)
        guard let scenario, let workers, let cache, let matcher, let decisions, let seconds, let dps, let dpsMin, let dpsMax,
              let p50, let p99, let p999 else { return nil }
        // Absent from reports written before repetitions were recorded.
        let repetitions = json.isNull("decisionsPerSecondRepetitions") ? [] : json.doubles("decisionsPerSecondRepetitions") ?? []
        func optionalInt(_ key: String) -> Int? { json.isNull(key) ? nil : json.int(key) }
        func optionalDouble(_ key: String) -> Double? { json.isNull(key) ? nil : json.double(key) }
        self.init(scenario: scenario, workers: workers, cache: cache, matcher: matcher, capacity: optionalInt("capacity"),
                  eviction: json.isNull("eviction") ? nil : json.choice("eviction", of: EvictionPolicy.self),
                  shards: optionalInt("shards"), allocator: json.string("allocator") ?? "system", decisions: decisions, seconds: seconds,
                  decisionsPerSecond: Spread(median: dps, min: dpsMin, max: dpsMax, samples: repetitions), hitRate: optionalDouble("hitRate"),
                  p50Nanos: UInt64(max(p50, 0)), p99Nanos: UInt64(max(p99, 0)), p999Nanos: UInt64(max(p999, 0)),
                  meanNanos: optionalDouble("meanNanos"),
                  hitLatency: Self.latency(&json, "hit"), missLatency: Self.latency(&json, "miss"),
                  allocationsPerDecision: optionalDouble("allocationsPerDecision"), entries: optionalInt("entries"),
                  bytesPerEntry: optionalDouble("bytesPerEntry"), heapBytes: optionalInt("heapBytes"), evictions: optionalInt("evictions"),
                  expirations: optionalInt("expirations"), stopped: json.bool("stopped") ?? false,
                  http: json.isNull("http") ? nil : json.value("http").flatMap { HTTPPointDetails(json: $0, path: json.path(of: "http"), problems: &json) })
    }
}

extension LoadPoint {
    /// The `hit` or `miss` latency keys of a point.
    static func latency(_ json: inout JSONObjectReader, _ prefix: String) -> LatencyPercentiles? {
        guard !json.isNull(prefix + "P50Nanos"), let mean = json.double(prefix + "MeanNanos"), let p50 = json.int(prefix + "P50Nanos"),
              let p99 = json.int(prefix + "P99Nanos"), p50 >= 0, p99 >= 0 else { return nil }
        return LatencyPercentiles(meanNanos: mean, p50Nanos: UInt64(p50), p99Nanos: UInt64(p99))
    }
}

extension Spread {
    /// A spread as a report stores it; `samples` may be empty (older reports).
    init(median: Double, min: Double, max: Double, samples: [Double]) {
        self.init([median])
        self.min = min
        self.max = max
        self.samples = samples
    }
}

/// 1000 -> "1k", 100000 -> "100k", 1000000 -> "1M".
package func formatCount(_ n: Int) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 { return "\(n / 1_000_000)M" }
    if n >= 1000 && n % 1000 == 0 { return "\(n / 1000)k" }
    return String(n)
}

extension LoadReport {
    /// One row per point, the columns a person reads first.
    package var table: TextTable {
        if !points.isEmpty && points.allSatisfy({ $0.http != nil }) { return httpTable }
        return TextTable(
            header: ["scenario", "cache", "matcher", "capacity", "eviction", "workers", "Mdec/s", "min", "max", "ns/dec", "hit %",
                     "p50 ns", "p99 ns", "p99.9 ns", "allocs/dec", "entries", "B/entry"],
            rows: points.map { p in
                [p.scenario, p.cache.rawValue, p.matcher.rawValue, p.capacity.map(formatCount) ?? "-", p.eviction?.rawValue ?? "-",
                 String(p.workers), formatNumber(p.decisionsPerSecond.median / 1e6) + (p.isNoisy ? " ~" : ""),
                 formatNumber(p.decisionsPerSecond.min / 1e6),
                 formatNumber(p.decisionsPerSecond.max / 1e6), formatNumber(p.nsPerDecision), p.hitRate.map { formatNumber($0 * 100) } ?? "-",
                 String(p.p50Nanos), String(p.p99Nanos), String(p.p999Nanos), p.allocationsPerDecision.map(formatNumber) ?? "n/a",
                 p.entries.map(String.init) ?? "-", p.bytesPerEntry.map(formatNumber) ?? "-"]
            },
            rightAligned: Set(5...16))
    }

    /// `load`'s points: requests per second, latency in microseconds, conformance and errors.
    var httpTable: TextTable {
        func micros(_ nanos: UInt64) -> String { formatNumber(Double(nanos) / 1000) }
        return TextTable(
            header: ["scenario", "configuration", "connections", "threads", "req/s", "min", "max", "p50 µs", "p99 µs", "p99.9 µs", "max µs",
                     "conformance %", "errors"],
            rows: points.map { p in
                let h = p.http!
                return [p.scenario, h.label, String(p.workers), String(h.threads), formatNumber(p.decisionsPerSecond.median) + (p.isNoisy ? " ~" : ""),
                        formatNumber(p.decisionsPerSecond.min), formatNumber(p.decisionsPerSecond.max), micros(p.p50Nanos), micros(p.p99Nanos),
                        micros(p.p999Nanos), micros(h.maxNanos), formatNumber(h.conformance * 100), String(h.errors.reduce(0) { $0 + $1.count })]
            },
            rightAligned: Set(2...12))
    }

    /// Every point with every documented key, as CSV.
    package var csv: String {
        guard let first = points.first?.jsonValue.objectValue else { return "" }
        let header = first.map(\.key)
        var lines = [header.joined(separator: ",")]
        for point in points {
            guard let members = point.jsonValue.objectValue else { continue }
            lines.append(members.map { member -> String in
                switch member.value {
                case .null: return ""
                case let .string(s): return CSVColumns.quoted(s)
                case let .number(n): return n
                case let .bool(b): return b ? "true" : "false"
                case let .array(items): return items.map(\.jsonText).joined(separator: " ")
                default: return ""
                }
            }.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    /// Configurations in first-seen order, per scenario.
    func groups() -> [(scenario: String, label: String, points: [LoadPoint])] {
        var byConfiguration: OrderedDictionary<[String], [LoadPoint]> = [:]
        for p in points { byConfiguration[[p.scenario, p.configurationLabel], default: []].append(p) }
        return byConfiguration.map { ($0.key[0], $0.key[1], $0.value.sorted { $0.workers < $1.workers }) }
    }

    /// The words and scale of a report's throughput: decisions on workers for
    /// `run`, requests on connections for `load`.
    struct Units {
        var isHTTP: Bool
        var workers: String { isHTTP ? "connections" : "workers" }
        var workerAbbreviation: String { isHTTP ? "c" : "w" }
        var scale: Double { isHTTP ? 1e3 : 1e6 }
        var throughput: String { isHTTP ? "thousand requests per second" : "million decisions per second" }
        var throughputAxis: String { isHTTP ? "thousand requests/s" : "million decisions/s" }
    }

    var units: Units { Units(isHTTP: !points.isEmpty && points.allSatisfy { $0.http != nil }) }

    /// `summary.md`: tables a person can read, and links to the charts.
    package func summaryMarkdown(command: String, charts: [String]) -> String {
        var out = "# preflight-bench run\n\nCommand:\n\n```\n\(command)\n```\n\n"
        out += TextTable(header: ["environment", "value"], rows: environment.map { [$0.key, $0.value.stringValue ?? $0.value.jsonText] }).markdown + "\n\n"
        if !harnessOverhead.isEmpty {
            out += "Harness overhead (the timed loop with a no-op engine, 1 worker): "
            out += harnessOverhead.map { "\($0.scenario) \(formatNumber($0.nanos)) ns/decision" }.joined(separator: "; ") + ".\n\n"
        }
        let workerCounts = Array(Set(points.map(\.workers))).sorted()
        let units = self.units
        out += "## Throughput vs \(units.workers) (\(units.throughput), median of repetitions)\n\n"
        out += "Scaling efficiency: throughput at n \(units.workers) / (n x throughput at 1).\n\n"
        var rows: [[String]] = []
        for g in groups() {
            let one = g.points.first { $0.workers == 1 }?.decisionsPerSecond.median
            var row = [g.scenario, g.label]
            for w in workerCounts {
                if let p = g.points.first(where: { $0.workers == w }) {
                    let efficiency = one.map { " (\(formatNumber(p.decisionsPerSecond.median / (Double(w) * $0) * 100)) %)" } ?? ""
                    row.append(formatNumber(p.decisionsPerSecond.median / units.scale) + (w == 1 ? "" : efficiency))
                } else { row.append("-") }
            }
            rows.append(row)
        }
        out += TextTable(header: ["scenario", "configuration"] + workerCounts.map { "\($0) \(units.workerAbbreviation)" }, rows: rows,
                         rightAligned: Set(2..<(2 + workerCounts.count))).markdown + "\n\n"
        if units.isHTTP {
            out += "## Requests over HTTP\n\n" + httpTable.markdown + "\n\n"
            out += httpLines.joined(separator: "\n\n") + "\n\n"
            out += "Latency of every response, from its send time (closed loop) or its intended send time (open loop, `--rate`).\n\n"
            if !charts.isEmpty { out += "## Charts\n\n" + charts.map { "![\($0)](\($0))" }.joined(separator: "\n\n") + "\n" }
            return out
        }
        out += "## Hit rates and memory\n\n"
        out += TextTable(header: ["scenario", "configuration", "workers", "hit %", "entries", "bytes/entry", "evictions", "expirations", "allocs/decision"],
                         rows: points.filter { $0.cache != .none }.map { p in
                             [p.scenario, p.configurationLabel, String(p.workers), p.hitRate.map { formatNumber($0 * 100) } ?? "-",
                              p.entries.map(String.init) ?? "-", p.bytesPerEntry.map(formatNumber) ?? "-",
                              p.evictions.map(String.init) ?? "-", p.expirations.map(String.init) ?? "-",
                              p.allocationsPerDecision.map(formatNumber) ?? "n/a"]
                         }, rightAligned: Set(2...8)).markdown + "\n\n"
        out += breakEvenMarkdown()
        out += "## Latency (sampled: one decision in 64 timed alone, clock read included)\n\n"
        out += TextTable(header: ["scenario", "configuration", "workers", "p50 ns", "p99 ns", "p99.9 ns"],
                         rows: points.map { [$0.scenario, $0.configurationLabel, String($0.workers), String($0.p50Nanos), String($0.p99Nanos), String($0.p999Nanos)] },
                         rightAligned: [2, 3, 4, 5]).markdown + "\n\n"
        if !charts.isEmpty {
            out += "## Charts\n\n" + charts.map { "![\($0)](\($0))" }.joined(separator: "\n\n") + "\n"
        }
        return out
    }

    /// The SVG charts: throughput vs workers per scenario, hit rate vs capacity, latency percentiles.
    package func charts() -> [(name: String, svg: String)] {
        let allGroups = self.groups()
        let units = self.units
        let scenarios = Array(OrderedSet(points.map(\.scenario)))
        func groups(of scenario: String) -> [(scenario: String, label: String, points: [LoadPoint])] { allGroups.filter { $0.scenario == scenario } }
        var out: [(name: String, svg: String)] = []
        for scenario in scenarios {
            let groups = groups(of: scenario)
            let series = groups.map { g in
                SVGChart.Series(name: g.label, points: g.points.map { (Double($0.workers), $0.decisionsPerSecond.median / units.scale) })
            }
            // Evaluating every request is the line each cache is read against: on every part of a split chart.
            out += SVGChart(title: "\(scenario): throughput vs \(units.workers)", xLabel: units.workers, yLabel: units.throughputAxis, series: series, logX: true)
                .split(name: "throughput-\(scenario).svg", baseline: groups.map { $0.points.first?.cache == PreflightCacheKind.none })
        }
        out += perScenario(name: "hit-rate-vs-capacity", scenarios.map { ($0, hitRateSeries($0)) }) { scenario, series in
            SVGChart(title: "hit rate vs capacity" + (scenario.map { ": \($0)" } ?? ""), xLabel: "capacity (entries)", yLabel: "hit rate %",
                     series: series, logX: true, yCap: 100)
        }
        out += perScenario(name: "latency-percentiles", scenarios.map { ($0, latencySeries(groups(of: $0))) }) { scenario, series in
            SVGChart(title: "latency percentiles at the most \(units.workers)" + (scenario.map { ": \($0)" } ?? ""), xLabel: "percentile",
                     yLabel: "ns", series: series, logY: true, categoricalX: ["p50", "p99", "p99.9"])
        }
        return out
    }

    /// One chart named `name` when every scenario's series fit in one,
    /// else one per scenario (`name-hot.svg`), each split as it needs.
    func perScenario(name: String, _ seriesByScenario: [(scenario: String, series: [SVGChart.Series])],
                     chart: (String?, [SVGChart.Series]) -> SVGChart) -> [(name: String, svg: String)] {
        let all = seriesByScenario.flatMap { entry in entry.series.map { SVGChart.Series(name: "\(entry.scenario) \($0.name)", points: $0.points) } }
        guard !all.isEmpty else { return [] }
        if all.count <= SVGChart.maximumSeries { return [(ReportFileName.safe(name, extension: "svg"), chart(nil, all).svg)] }
        return seriesByScenario.flatMap { entry -> [(name: String, svg: String)] in
            entry.series.isEmpty ? [] : chart(entry.scenario, entry.series).split(name: "\(name)-\(entry.scenario).svg")
        }
    }

    /// A scenario's hit rate against capacity: one series per configuration
    /// without its capacity, at the most workers the scenario ran.
    func hitRateSeries(_ scenario: String) -> [SVGChart.Series] {
        let own = points.filter { $0.scenario == scenario }
        let most = own.map(\.workers).max()
        let severalMatchers = Set(points.map(\.matcher)).count > 1
        var series: OrderedDictionary<String, [(Double, Double)]> = [:]
        for p in own where p.cache != .none && p.workers == most {
            guard let hitRate = p.hitRate, let capacity = p.capacity else { continue }
            series[p.configurationLabel(capacity: false, matcher: severalMatchers), default: []].append((Double(capacity), hitRate * 100))
        }
        return series.map { SVGChart.Series(name: $0.key, points: $0.value.sorted { $0.0 < $1.0 }) }
    }

    /// The p50, p99 and p99.9 latency of each configuration group, at its most workers.
    func latencySeries(_ groups: [(scenario: String, label: String, points: [LoadPoint])]) -> [SVGChart.Series] {
        groups.compactMap { g in
            guard let p = g.points.last else { return nil }
            return SVGChart.Series(name: "\(g.label) @\(p.workers)\(units.workerAbbreviation)",
                                   points: [(50, Double(p.p50Nanos)), (99, Double(p.p99Nanos)), (99.9, Double(p.p999Nanos))])
        }
    }
}
