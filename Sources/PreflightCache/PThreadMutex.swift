#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex at a stable address. Chosen over `Synchronization.Mutex`
/// because ThreadSanitizer does not see the futex hand-off of the latter and
/// reports false races on Linux (cors-facts.md section 9); it understands
/// pthread mutexes.
final class PThreadMutex: @unchecked Sendable {
    // Safe to share: the mutex is designed for concurrent use, it lives at a
    // fixed heap address for the object's lifetime, and nothing else is stored.
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
