#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Counters that many threads bump on a hot path, one row of them per thread.
///
/// A row belongs to one live thread (claimed by its `pthread_self()` value,
/// which no two live threads share), so its owner bumps it with a plain
/// relaxed load and store: no locked instruction, which on x86 costs several
/// nanoseconds and keeps the core from starting the next lookup's memory
/// accesses while this one's are in flight. Rows sit on separate 128-byte
/// blocks, so threads never share a cache line. Readers sum the rows at any
/// time with relaxed loads.
///
/// A row stays with its thread after the thread exits (a later thread with
/// the same `pthread_t` takes it over, its counts kept). When every row a
/// thread may probe is taken, the thread counts in a shared row with atomic
/// adds: still exact, only slower.
///
/// - Complexity: O(1) per bump; `rows` x 128 bytes.
struct ThreadCounters: @unchecked Sendable {
    // Safe to share: every word is an atomic; the pointer never changes.
    static let rows = 256
    static let rowWords = 16
    /// Counters per row (after the owner word).
    static let width = 7
    static let probes = 8
    let words: UnsafeMutablePointer<Atomic<UInt>>

    init() {
        let count = (Self.rows + 1) * Self.rowWords
        words = UnsafeMutableRawPointer.allocate(byteCount: count * 8, alignment: 128).bindMemory(to: Atomic<UInt>.self, capacity: count)
        for i in 0..<count { (words + i).initialize(to: Atomic(0)) }
    }

    func deallocate() {
        words.deinitialize(count: (Self.rows + 1) * Self.rowWords)
        UnsafeMutableRawPointer(words).deallocate()
    }

    var retainedBytes: Int { (Self.rows + 1) * Self.rowWords * 8 }

    /// This thread's row (word index), claiming one on first use; nil when none is free.
    @inline(__always)
    func row() -> Int? {
        let me = UInt(bitPattern: Int(bitPattern: pthread_self())) | 1
        var r = Int(truncatingIfNeeded: (UInt64(me) &* 0x9E37_79B9_7F4A_7C15) >> 56)
        for _ in 0..<Self.probes {
            let owner = words + r * Self.rowWords
            let current = owner.pointee.load(ordering: .relaxed)
            if current == me { return r * Self.rowWords }
            if current == 0 && owner.pointee.compareExchange(expected: 0, desired: me, ordering: .relaxed).exchanged { return r * Self.rowWords }
            r = (r + 1) & (Self.rows - 1)
        }
        return nil
    }

    /// Adds one to counter `k` (< `width`) of this thread's row.
    @inline(__always)
    func increment(_ k: Int) { increment(k, nil) }

    /// Adds one to counters `k` and `j` (each < `width`; `j` may be nil) of
    /// this thread's row: one row lookup for both, as a miss counts itself
    /// and how its entry found room.
    @inline(__always)
    func increment(_ k: Int, _ j: Int?) {
        if let base = row() {
            // The owner is the row's only writer: a plain load and store.
            @inline(__always) func bump(_ c: Int) {
                let counter = words + base + 1 + c
                counter.pointee.store(counter.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
            }
            bump(k)
            if let j { bump(j) }
        } else {
            words[Self.rows * Self.rowWords + 1 + k].wrappingAdd(1, ordering: .relaxed)
            if let j { words[Self.rows * Self.rowWords + 1 + j].wrappingAdd(1, ordering: .relaxed) }
        }
    }

    /// The sum of counter `k` over all rows.
    func sum(_ k: Int) -> Int {
        var total: UInt = 0
        for r in 0...Self.rows { total &+= words[r * Self.rowWords + 1 + k].load(ordering: .relaxed) }
        return Int(truncatingIfNeeded: total)
    }
}
