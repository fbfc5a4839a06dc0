/// A monotonic clock in nanoseconds. Injected, so tests and virtual-time
/// simulation decide what time it is.
public protocol PreflightClock: Sendable {
    func nanoseconds() -> UInt64
}
