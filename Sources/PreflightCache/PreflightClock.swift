#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A monotonic clock in nanoseconds. Injected, so tests and virtual-time
/// simulation decide what time it is.
public protocol PreflightClock: Sendable {
    func nanoseconds() -> UInt64
}

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

/// A clock that moves only when told to, safe to advance from any thread.
public final class ManualPreflightClock: PreflightClock {
    private let now: Atomic<UInt64>

    public init(nanoseconds: UInt64 = 1_000_000_000) {
        now = Atomic(nanoseconds)
    }

    public func nanoseconds() -> UInt64 { now.load(ordering: .acquiring) }

    public func advance(seconds: Double) {
        now.add(UInt64(seconds * 1e9), ordering: .releasing)
    }

    public func advance(nanoseconds: UInt64) {
        now.add(nanoseconds, ordering: .releasing)
    }

    public func set(nanoseconds: UInt64) {
        now.store(nanoseconds, ordering: .releasing)
    }
}
