/// Which entry a full shard gives up.
public enum EvictionPolicy: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Least recently used: every hit moves the entry (a write on every hit).
    case lru
    /// SIEVE: a FIFO with a visited bit and a moving hand; hits only set a bit.
    case sieve
    /// S3-FIFO: a small probationary FIFO, a main FIFO and a ghost list of
    /// recently evicted keys; one-hit wonders never reach the main queue.
    case s3fifo

    public var description: String { rawValue }
}
