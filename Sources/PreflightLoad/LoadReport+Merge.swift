import Histogram
import JSONValue

extension LoadReport {
    /// The reports of several `load` processes that ran at the same time
    /// against one server, as one report: points of the same scenario and
    /// label are joined in order (the first point of each report, then the
    /// second...), their connections and responses added, their requests per
    /// second added repetition by repetition, their latency histograms merged
    /// exactly (bucket by bucket), and their conformance and errors summed.
    ///
    /// Throws when a report holds a point `run` measured (in-process points
    /// are not concurrent traffic against one server) or when the reports'
    /// points do not pair up.
    package static func merging(_ reports: [(source: String, report: LoadReport)]) throws(ReportReadError) -> LoadReport {
        guard let first = reports.first else { throw ReportReadError("nothing to merge") }
        for (source, report) in reports {
            if let i = report.points.firstIndex(where: { $0.http == nil }) {
                throw ReportReadError("\(source): points[\(i)] was measured by `run`, in one process; only `load` reports merge")
            }
            guard report.points.count == first.report.points.count else {
                throw ReportReadError("\(source) has \(report.points.count) points and \(first.source) \(first.report.points.count): "
                                      + "merge reports of the same load command, run at the same time")
            }
        }
        var points: [LoadPoint] = []
        for (i, base) in first.report.points.enumerated() {
            let group = reports.map { $0.report.points[i] }
            for (source, report) in reports where report.points[i].scenario != base.scenario || report.points[i].http!.label != base.http!.label {
                throw ReportReadError("\(source): points[\(i)] is \(report.points[i].scenario) \(report.points[i].http!.label), "
                                      + "not \(base.scenario) \(base.http!.label) as in \(first.source)")
            }
            var latency = group[0].http!.latency
            for p in group.dropFirst() { latency.add(p.http!.latency) }
            var errors: [String: Int] = [:]
            for p in group { for e in p.http!.errors { errors[e.kind, default: 0] += e.count } }
            let samples = group.map(\.decisionsPerSecond.samples)
            let perSecond = samples.allSatisfy({ $0.count == samples[0].count && !$0.isEmpty })
                ? (0..<samples[0].count).map { r in samples.reduce(0) { $0 + $1[r] } }
                : [group.reduce(0) { $0 + $1.decisionsPerSecond.median }]
            let details = HTTPPointDetails(target: base.http!.target, label: base.http!.label, threads: group.reduce(0) { $0 + $1.http!.threads },
                                           rate: base.http!.rate.map { _ in group.reduce(0) { $0 + ($1.http!.rate ?? 0) } },
                                           checked: group.reduce(0) { $0 + $1.http!.checked }, conforming: group.reduce(0) { $0 + $1.http!.conforming },
                                           errors: errors,
                                           retries: group.reduce(0) { $0 + $1.http!.retries }, latency: latency)
            points.append(.http(scenario: base.scenario, connections: group.reduce(0) { $0 + $1.workers },
                                responses: group.reduce(0) { $0 + $1.decisions }, seconds: group.map(\.seconds).max() ?? 0,
                                requestsPerSecond: perSecond, details: details))
        }
        let environment = first.report.environment.filter { $0.key != "command" }
            + [("mergedFrom", JSONValue.array(reports.map { .string($0.source) }))]
        return LoadReport(environment: environment, harnessOverhead: [], points: points)
    }
}
