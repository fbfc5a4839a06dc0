package import JSONValue
package import PreflightLoad
package import PreflightWorkload
import PreflightReport

/// One `run`: the C floor before and after, every scenario's stream generated
/// and measured at every point, the jemalloc points in a child process, and
/// the report with the environment that makes its numbers comparable.
package struct BenchmarkRun {
    package var scenarios: [Scenario]
    package var options: LoadOptions
    /// "system" runs here; "jemalloc" here when preloaded, else in a child.
    package var allocators: [String]
    /// A C floor program to compile and run, such as floor.c.
    package var floorSource: String?
    /// The options as the user gave them, echoed into the report.
    package var optionsAsGiven: [(key: String, value: JSONValue)]
    package var allocations: AllocationProbe
    package var jemallocIsLoaded: Bool
    /// Streams built elsewhere (a trace's), by scenario name, measured instead of generating one.
    package var streams: [String: RequestStream] = [:]

    package init(scenarios: [Scenario], options: LoadOptions, allocators: [String], floorSource: String?,
                 optionsAsGiven: [(key: String, value: JSONValue)], allocations: AllocationProbe, jemallocIsLoaded: Bool) {
        self.scenarios = scenarios
        self.options = options
        self.allocators = allocators
        self.floorSource = floorSource
        self.optionsAsGiven = optionsAsGiven
        self.allocations = allocations
        self.jemallocIsLoaded = jemallocIsLoaded
    }

    /// Measures every point, reporting progress; `stop` ends the run early
    /// with the points measured so far.
    package func execute(progress: ProgressLine, stop: @escaping @Sendable () -> Bool) throws(HostError) -> LoadReport {
        // The floor runs before and after the points (it prints its best of five
        // passes); the better of the two is compared, so a slow spell of a
        // shared machine during one of them does not flatter the ratio.
        var floor: FloorProgram?
        if let floorSource { floor = try FloorProgram(source: floorSource) }
        var floorRuns: [Double] = []
        if let floor {
            floorRuns.append(try floor.measure())
            progress.note("floor: \(formatNumber(floorRuns[0])) ns/decision (\(floor.source))")
        }
        var points: [LoadPoint] = []
        var overhead: [(scenario: String, nanos: Double)] = []
        for allocator in allocators {
            if allocator == "jemalloc" && !jemallocIsLoaded {
                points += try JemallocChild.run(parentArguments: Array(CommandLine.arguments.dropFirst()))
                continue
            }
            var options = options
            options.allocator = allocator
            let runner = LoadRunner(options: options, allocations: allocations)
            for scenario in scenarios where !stop() {
                let (harness, measured) = try measure(scenario, runner, progress: progress, stop: stop)
                overhead.append((scenario.name, harness))
                points += measured
            }
        }
        if let floor { floorRuns.append(try floor.measure()) }
        progress.finish()
        return LoadReport(environment: environment(floorRuns: floorRuns), harnessOverhead: overhead, points: points)
    }

    func measure(_ scenario: Scenario, _ runner: LoadRunner, progress: ProgressLine,
                 stop: @escaping @Sendable () -> Bool) throws(HostError) -> (harness: Double, points: [LoadPoint]) {
        let stream: RequestStream
        if let given = streams[scenario.name] {
            stream = given
        } else {
            progress.note("generating \(scenario.name): \(scenario.requests) requests")
            stream = try ScenarioSource.stream(for: scenario)
        }
        let harness = runner.harnessOverhead(stream: stream)
        progress.note("\(scenario.name): \(stream.distinctKeys) distinct keys, harness overhead \(formatNumber(harness)) ns/decision")
        var points: [LoadPoint] = []
        runner.measure(stream: stream, stop: stop) { point in
            points.append(point)
            progress.update("[\(points.count)/\(runner.pointsPerScenario)] \(scenario.name) \(point.configurationLabel) \(point.workers)w: "
                            + "\(formatNumber(point.decisionsPerSecond.median / 1e6)) Mdec/s, hit \(point.hitRate.map { formatNumber($0 * 100) + " %" } ?? "-")")
        }
        return (harness, points)
    }

    func environment(floorRuns: [Double]) -> [(key: String, value: JSONValue)] {
        var environment = MachineFacts.environment() + [
            ("allocator", .string(allocators.joined(separator: ","))),
            ("allocationCounting", .string(allocations.isActive ? "malloc interposer, per thread" : "unavailable")),
            ("clockReadNanos", .double(LoadRunner.clockReadNanos(), fractionDigits: 1)),
            ("command", .string(MachineFacts.commandLine)),
            ("options", .object(optionsAsGiven + [
                ("latencySampleEvery", .int(options.latencySampleEvery)), ("warmup", .double(options.warmup)),
            ])),
            ("scenarios", .array(scenarios.map(\.jsonValue))),
        ]
        if let best = floorRuns.min() {
            environment.append(("floorNanosPerDecision", .double(best, fractionDigits: 3)))
            environment.append(("floorRuns", .array(floorRuns.map { .double($0, fractionDigits: 3) })))
        }
        return environment
    }
}
