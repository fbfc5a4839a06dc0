import Synchronization

/// Where an eviction policy's per-entry frequency bytes live: SIEVE's visited
/// bit or S3-FIFO's 2-bit count, which the `sharded` cache's readers bump
/// without the shard's mutex (atomic bytes), and which `simulate` keeps in a
/// plain buffer.
package protocol EvictionFrequencies {
    func load(_ id: UInt32) -> UInt8
    func store(_ id: UInt32, _ value: UInt8)
}

/// Frequency bytes that lock-free readers may bump concurrently.
package struct AtomicFrequencies: EvictionFrequencies {
    let bytes: UnsafeMutablePointer<Atomic<UInt8>>
    @inline(__always) package func load(_ id: UInt32) -> UInt8 { bytes[Int(id)].load(ordering: .relaxed) }
    @inline(__always) package func store(_ id: UInt32, _ value: UInt8) { bytes[Int(id)].store(value, ordering: .relaxed) }
}

/// Frequency bytes of a single-threaded model (`simulate`).
package struct PlainFrequencies: EvictionFrequencies {
    package let bytes: UnsafeMutablePointer<UInt8>
    package init(bytes: UnsafeMutablePointer<UInt8>) { self.bytes = bytes }
    @inline(__always) package func load(_ id: UInt32) -> UInt8 { bytes[Int(id)] }
    @inline(__always) package func store(_ id: UInt32, _ value: UInt8) { bytes[Int(id)] = value }
}
