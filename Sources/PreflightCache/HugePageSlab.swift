#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Zeroed atomic integers in one cache-line-aligned allocation, advised into
/// transparent huge pages on Linux (the aligned 2 MiB regions inside it qualify;
/// aligning the whole slab to 2 MiB would waste up to that much per slab).
final class HugePageSlab<Value: AtomicRepresentable & FixedWidthInteger>: @unchecked Sendable {
    // Safe to share: the values are atomics; the pointer never changes.
    let words: UnsafeMutablePointer<Atomic<Value>>
    let count: Int

    init(count: Int) {
        self.count = max(1, count)
        let bytes = self.count * MemoryLayout<Value>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 128)
        #if os(Linux)
        if bytes >= 1 << 21 {
            // madvise takes whole pages: advise the page-aligned interior (malloc's block starts past a header).
            let page = 4096
            let first = (Int(bitPattern: raw) + page - 1) & ~(page - 1)
            let last = (Int(bitPattern: raw) + bytes) & ~(page - 1)
            if last > first { _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, 14 /* MADV_HUGEPAGE */) }
        }
        #endif
        words = raw.bindMemory(to: Atomic<Value>.self, capacity: self.count)
        for i in 0..<self.count { (words + i).initialize(to: Atomic(0)) }
    }

    deinit {
        words.deinitialize(count: count)
        UnsafeMutableRawPointer(words).deallocate()
    }
}
