/// Reads the calling thread's allocation count. The library does not count
/// allocations itself (that needs malloc interposition, a process-wide choice
/// that belongs to the executable); the tool passes a probe that does.
package struct AllocationProbe: Sendable {
    /// Allocations made by the calling thread so far.
    package var read: @Sendable () -> UInt64
    /// False when counting is unavailable (sanitizer builds); figures are then reported as unknown.
    package var isActive: Bool

    /// Bytes the process holds in live heap allocations, from the allocator's own
    /// statistics (jemalloc's or glibc's), or nil when unknown.
    package var heapBytes: @Sendable () -> Int64?

    package init(isActive: Bool, read: @escaping @Sendable () -> UInt64, heapBytes: @escaping @Sendable () -> Int64? = { nil }) {
        self.isActive = isActive
        self.read = read
        self.heapBytes = heapBytes
    }

    package static let unavailable = AllocationProbe(isActive: false, read: { 0 })
}
