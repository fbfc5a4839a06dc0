/// Reads the calling thread's allocation count. The library does not count
/// allocations itself (that needs malloc interposition, a process-wide choice
/// that belongs to the executable); the tool passes a probe that does.
public struct AllocationProbe: Sendable {
    /// Allocations made by the calling thread so far.
    public var read: @Sendable () -> UInt64
    /// False when counting is unavailable (sanitizer builds); figures are then reported as unknown.
    public var isActive: Bool

    /// Bytes the process holds in live heap allocations, from the allocator's own
    /// statistics (jemalloc's or glibc's), or nil when unknown.
    public var heapBytes: @Sendable () -> Int64?

    public init(isActive: Bool, read: @escaping @Sendable () -> UInt64, heapBytes: @escaping @Sendable () -> Int64? = { nil }) {
        self.isActive = isActive
        self.read = read
        self.heapBytes = heapBytes
    }

    public static let unavailable = AllocationProbe(isActive: false, read: { 0 })
}
