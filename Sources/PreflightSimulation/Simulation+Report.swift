package import JSONValue
import PreflightCache
package import PreflightReport

extension Simulation {
    /// A finished simulation and what it was run on, in every output form.
    package struct Report: Sendable {
        package var scenario: String
        package var distinctKeys: Int
        package var streamLength: Int
        package var duration: Double
        package var rate: Double
        package var command: String
        package var points: [Point]

        package init(scenario: String, distinctKeys: Int, streamLength: Int, duration: Double, rate: Double, command: String, points: [Point]) {
            self.scenario = scenario
            self.distinctKeys = distinctKeys
            self.streamLength = streamLength
            self.duration = duration
            self.rate = rate
            self.command = command
            self.points = points
        }

        package var jsonValue: JSONValue {
            .object([
                ("scenario", .string(scenario)), ("duration", .double(duration)), ("rate", .double(rate)),
                ("distinctKeys", .int(distinctKeys)), ("streamLength", .int(streamLength)), ("command", .string(command)),
                ("points", .array(points.map(\.jsonValue))),
            ])
        }

        package var table: TextTable { Simulation.table(points) }
    }
}

extension Simulation.Report: ResultReport {
    package var kind: String { "simulate" }
    package func charts() -> [(name: String, svg: String)] { Simulation.charts(points) }
    package var facts: [(key: String, value: String)] {
        [("scenario", scenario), ("distinct keys", String(distinctKeys)), ("stream length", String(streamLength)),
         ("virtual seconds", formatNumber(duration)), ("requests per second", formatNumber(rate))]
    }

    /// simulate.md: what was replayed, the table and the charts.
    package func markdown(charts: [String]) -> String {
        var markdown = "# preflight-bench simulate\n\nCommand:\n\n```\n\(command)\n```\n\n"
        markdown += "Scenario \(scenario): \(distinctKeys) distinct keys in a stream of \(streamLength) requests, cycled.\n\n"
        return markdown + table.markdown + "\n\n" + charts.map { "![\($0)](\($0))" }.joined(separator: "\n\n") + "\n"
    }
}

extension Simulation.Report {
    /// Reads a report written by `jsonValue` (simulate.json, for `report DIR`);
    /// problems are named by path, one a line.
    package init(json: JSONValue) throws(JSONReadError) {
        var reader = JSONObjectReader(json, what: "simulate.json", knownKeys: nil)
        let scenario = reader.string("scenario", required: true) ?? ""
        let duration = reader.double("duration", required: true) ?? 0
        let rate = reader.double("rate", required: true) ?? 0
        let distinctKeys = reader.int("distinctKeys", required: true) ?? 0
        let command = reader.string("command") ?? "preflight-bench simulate"
        let streamLength = reader.int("streamLength")
        var points: [Simulation.Point] = []
        for (i, value) in (reader.array("points", required: true) ?? []).enumerated() {
            var p = JSONObjectReader(value, path: "points[\(i)]", what: "a point", knownKeys: nil)
            let capacity = p.int("capacity", required: true), eviction = p.choice("eviction", of: EvictionPolicy.self, required: true)
            let maxAge = p.int("maxAge", required: true), requests = p.int("requests", required: true)
            let hitRate = p.double("hitRate", required: true), peak = p.int("peakEntries", required: true)
            let optimal = p.double("optimalHitRate") ?? .nan
            let bucketed = p.double("bucketedHitRate")
            var series: [(time: Double, hitRate: Double, entries: Int)] = []
            for (j, sample) in (p.array("series") ?? []).enumerated() {
                var s = JSONObjectReader(sample, path: "points[\(i)].series[\(j)]", what: "a sample", knownKeys: nil)
                if let t = s.double("time", required: true), let h = s.double("hitRate", required: true), let e = s.int("entries", required: true) {
                    series.append((t, h, e))
                }
                p.append(contentsOf: s.problems)
            }
            if let capacity, let eviction, let maxAge, let requests, let hitRate, let peak {
                points.append(Simulation.Point(capacity: capacity, eviction: eviction, maxAge: maxAge, requests: requests, hitRate: hitRate,
                                               bucketedHitRate: bucketed, optimalHitRate: optimal, peakEntries: peak, series: series))
            }
            reader.append(contentsOf: p.problems)
        }
        if !reader.problems.isEmpty { throw JSONReadError(reader.problems.map(\.description).joined(separator: "\n")) }
        self.init(scenario: scenario, distinctKeys: distinctKeys, streamLength: streamLength ?? points.first?.requests ?? 0, duration: duration, rate: rate,
                  command: command, points: points)
    }
}
