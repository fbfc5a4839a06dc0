#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's monotonic clock at coarse resolution (a few milliseconds on
/// Linux): Max-Age is in seconds, and the coarse clock is read in a few
/// nanoseconds where the precise one costs tens, on every lookup.
public struct SystemPreflightClock: PreflightClock {
    public init() {}

    @inline(__always)
    public func nanoseconds() -> UInt64 {
        var ts = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
        #else
        clock_gettime(CLOCK_MONOTONIC, &ts)
        #endif
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
