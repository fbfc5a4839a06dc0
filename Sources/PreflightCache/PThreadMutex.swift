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
        checkPThread(pthread_mutex_init(mutex, nil), "pthread_mutex_init")
    }

    deinit {
        checkPThread(pthread_mutex_destroy(mutex), "pthread_mutex_destroy")
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        checkPThread(pthread_mutex_lock(mutex), "pthread_mutex_lock")
        defer { checkPThread(pthread_mutex_unlock(mutex), "pthread_mutex_unlock") }
        return try body()
    }
}

/// Stops on a failed pthread call, as NIOLock does: a mutex that cannot be
/// locked or unlocked (EINVAL, EDEADLK, EPERM) means memory corruption or a
/// logic error, and carrying on would break mutual exclusion silently.
@inline(__always)
func checkPThread(_ result: Int32, _ call: StaticString) {
    precondition(result == 0, "\(call) failed with error \(result)")
}
