/// Reads the calling thread's allocation count. The library does not count
/// allocations itself (that needs malloc interposition, a process-wide choice
/// that belongs to the executable); the tool passes a probe that does.
public struct AllocationProbe: Sendable {
    /// Allocations made by the calling thread so far.
    public var read: @Sendable () -> UInt64
    /// False when counting is unavailable (sanitizer builds); figures are then reported as unknown.
    public var isActive: Bool

    public init(isActive: Bool, read: @escaping @Sendable () -> UInt64) {
        self.isActive = isActive
        self.read = read
    }

    public static let unavailable = AllocationProbe(isActive: false) { 0 }
}
