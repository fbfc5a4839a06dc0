#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The coarse monotonic clock as a word in memory: a background thread
/// stores `SystemPreflightClock`'s reading every `interval`, and the caches'
/// lookups load it (one load, where even the coarse clock's vDSO call costs
/// about 40 instructions on every lookup). Started on first use; the thread
/// runs for the life of the process.
///
/// The word can only lag the clock (by a tick, or by as long as the thread
/// is not scheduled): entries then live that much longer, never shorter.
/// Max-Age counts whole seconds, so a 10 ms lag is at most 1 % of the
/// shortest lifetime a policy can give; ticking every millisecond instead
/// cost a busy server 1.4 % of its CPU in wake-ups (perf, `serve` under wrk).
final class ClockTicker: @unchecked Sendable {
    // Safe to share: `now` never changes after `init` and points at an atomic.
    let now: UnsafeMutablePointer<Atomic<UInt64>>

    static let shared = ClockTicker()

    /// How often the word is refreshed, in microseconds.
    static let interval: UInt32 = 10_000

    private init() {
        now = .allocate(capacity: 1)
        now.initialize(to: Atomic(SystemPreflightClock().nanoseconds()))
        var thread = pthread_t()
        // The word is handed over as the thread's argument: the thread never reads `shared`, whose initializer is still running.
        let status = pthread_create(&thread, nil, { argument in
            #if canImport(Darwin)
            let word = argument.assumingMemoryBound(to: Atomic<UInt64>.self)
            #else
            let word = argument.unsafelyUnwrapped.assumingMemoryBound(to: Atomic<UInt64>.self)
            #endif
            while true {
                word.pointee.store(SystemPreflightClock().nanoseconds(), ordering: .relaxed)
                usleep(ClockTicker.interval)
            }
        }, UnsafeMutableRawPointer(now))
        checkPThread(status, "pthread_create")
        checkPThread(pthread_detach(thread), "pthread_detach")
    }
}
