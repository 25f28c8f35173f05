#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The coordinator's time source: a monotonic reading for session and rebalance timeouts, wall-clock
/// milliseconds for commit timestamps, and a sleep for the timer loop. Tests use `ManualGroupClock`.
package protocol GroupClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    var now: Duration { get }
    /// Milliseconds since the Unix epoch.
    var unixTimeMs: Int64 { get }
    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock: `ContinuousClock` for timeouts and the system's real-time clock for timestamps.
package struct SystemGroupClock: GroupClock {
    private let origin = ContinuousClock.now

    package init() {}

    package var now: Duration { ContinuousClock.now - origin }

    package var unixTimeMs: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    package func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
