import Storage

/// A clock that moves only when `advance(by:)` is called, for tests: sleepers wake when the clock passes
/// their deadline.
package final class ManualGroupClock: GroupClock {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var unixTimeMs: Int64
        var sleepers: [UInt64: Sleeper] = [:]
        var nextSleeper: UInt64 = 0
    }

    private let state: Locked<State>

    /// A clock reading zero, whose wall clock starts at `unixTimeMs`.
    package init(unixTimeMs: Int64 = 1_700_000_000_000) {
        state = Locked(State(unixTimeMs: unixTimeMs))
    }

    package var now: Duration { state.withLock { $0.now } }

    package var unixTimeMs: Int64 { state.withLock { $0.unixTimeMs } }

    /// Moves both readings forward and wakes the sleepers whose deadline has passed.
    package func advance(by duration: Duration) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now += duration
            let (seconds, attoseconds) = duration.components
            state.unixTimeMs += seconds * 1000 + attoseconds / 1_000_000_000_000_000
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for key in due.keys { state.sleepers.removeValue(forKey: key) }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    package func sleep(for duration: Duration) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextSleeper += 1
            return state.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate = state.withLock { state -> Bool in
                    if Task.isCancelled || duration <= .zero { return true }
                    state.sleepers[id] = Sleeper(deadline: state.now + duration, continuation: continuation)
                    return false
                }
                if immediate {
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume()
                    }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
