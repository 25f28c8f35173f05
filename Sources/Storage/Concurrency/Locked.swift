#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value only reached under a lock: `Synchronization.Mutex`'s job, on a `pthread_mutex_t`.
///
/// On Linux `Mutex` waits on a futex inside the prebuilt standard library, where ThreadSanitizer
/// sees neither the lock nor the unlock: under `make sanitize` every access it guards is reported as
/// a race. ThreadSanitizer intercepts the pthread calls, so a race it reports through `Locked` is one.
/// Shared state that is not an actor's goes through this type.
package final class Locked<Value>: @unchecked Sendable {
    // Allocated once and never moved: a pthread mutex must keep its address.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // Read and written only between lock and unlock.
    private var value: Value

    package init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock; `body` must not take the same lock again.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
