package import CORSPolicy
package import PreflightLoad
package import PreflightWorkload

/// `load`'s measured points: repetitions of `HTTPLoadGenerator.run` against
/// one target, summarized as a `LoadPoint` (connections as workers,
/// responses as decisions) so that `report` and `compare` read them as they
/// read `run`'s.
package enum HTTPLoadBenchmark {
    package struct Measured: Sendable {
        package var point: LoadPoint
        package var mismatches: [HTTPLoadResult.Mismatch]
    }

    /// Runs `repetitions` repetitions and merges them.
    package static func measure(scenario: String, stream: RequestStream, policy: CORSPolicy, configuration: HTTPLoadConfiguration,
                                repetitions: Int, label: String, progress: (String) -> Void = { _ in }) throws -> Measured {
        var total = HTTPLoadResult()
        var perSecond: [Double] = []
        for repetition in 1...repetitions {
            progress("\(scenario) \(label) \(configuration.connections) connections: repetition \(repetition) of \(repetitions)")
            let result = try HTTPLoadGenerator.run(configuration, stream: stream, policy: policy)
            perSecond.append(result.requestsPerSecond)
            total.add(result, keepingMismatches: configuration.mismatchesKept)
            total.seconds += result.seconds
        }
        let details = HTTPPointDetails(target: configuration.target.description, label: label, threads: configuration.threads,
                                       rate: configuration.rate, checked: total.checked, conforming: total.conforming,
                                       errors: total.errors,
                                       retries: total.retries, latency: total.latency)
        let point = LoadPoint.http(scenario: scenario, connections: configuration.connections, responses: total.responses, seconds: total.seconds,
                                   requestsPerSecond: perSecond, details: details)
        return Measured(point: point, mismatches: total.mismatches)
    }
}
