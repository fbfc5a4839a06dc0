package import JSONValue
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
                ("distinctKeys", .int(distinctKeys)), ("command", .string(command)),
                ("points", .array(points.map(\.jsonValue))),
            ])
        }

        package var table: TextTable { Simulation.table(points) }

        /// simulate.json, simulate.csv, simulate.md and the charts, by file name.
        package func files() -> [(name: String, contents: String)] {
            let charts = Simulation.charts(points)
            var markdown = "# preflight-bench simulate\n\nCommand:\n\n```\n\(command)\n```\n\n"
            markdown += "Scenario \(scenario): \(distinctKeys) distinct keys in a stream of \(streamLength) requests, cycled.\n\n"
            markdown += table.markdown + "\n\n" + charts.map { "![\($0.name)](\($0.name))" }.joined(separator: "\n\n") + "\n"
            return [
                ("simulate.json", jsonValue.prettyJSONText + "\n"),
                ("simulate.csv", table.csv + "\n"),
                ("simulate.md", markdown),
            ] + charts.map { ($0.name, $0.svg) }
        }
    }
}
