import Histogram

/// Sampled decision latencies, all of them and split into cache hits and
/// misses: three HdrHistograms from 1 ns to 60 s at three significant
/// digits, one set per worker, merged after the run.
struct LatencySamples {
    var all = Self.histogram()
    var hits = Self.histogram()
    var misses = Self.histogram()

    @inline(__always)
    mutating func record(_ nanos: UInt64, hit: Bool) {
        all.record(nanos)
        if hit { hits.record(nanos) } else { misses.record(nanos) }
    }

    mutating func add(_ other: LatencySamples) {
        all.add(other.all)
        hits.add(other.hits)
        misses.add(other.misses)
    }

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }
}
