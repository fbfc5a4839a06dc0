/// Median, minimum and maximum of repeated measurements, and the
/// measurements themselves (for significance tests between runs).
package struct Spread: Sendable, Equatable {
    package var median: Double
    package var min: Double
    package var max: Double
    /// Every measurement, in the order taken; empty when read from a report
    /// written before they were recorded.
    package var samples: [Double]

    package init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "a spread needs at least one sample")
        self.samples = samples
        let sorted = samples.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        min = sorted.first!
        max = sorted.last!
    }
}

/// Seconds between two instants of the continuous clock, as a Double.
@inline(__always)
package func seconds(_ duration: Duration) -> Double {
    let c = duration.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}
