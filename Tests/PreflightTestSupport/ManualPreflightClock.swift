public import PreflightCache
import Synchronization

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
