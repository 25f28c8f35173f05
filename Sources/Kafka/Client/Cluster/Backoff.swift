/// Exponential backoff: `initial`, doubling up to `maximum`.
package struct Backoff: Sendable, Equatable {
    package var initial: Duration
    package var maximum: Duration

    package init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait before attempt `attempt` (0 for the first retry).
    package func delay(attempt: Int) -> Duration {
        var delay = initial
        for _ in 0..<min(attempt, 30) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
