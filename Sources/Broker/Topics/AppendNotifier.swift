/// Wakes fetches that long-poll (Fetch `max_wait_ms` with `min_bytes` unmet) when any partition grows.
///
/// A fetch reads `generation`, looks at the logs, and if it must wait calls `wait(after:timeout:)`
/// with that generation: an append that lands between the look and the wait still wakes it.
package actor AppendNotifier {
    private enum Waiter {
        case parked(CheckedContinuation<Void, Never>)
        /// Woken or timed out; the other side removes the entry.
        case done
    }

    /// Counts appends; a wait for an older generation returns at once.
    package private(set) var generation: UInt64 = 0
    private var waiters: [Int: Waiter] = [:]
    private var nextID = 0

    package init() {}

    /// Called after an append: every waiting fetch looks again.
    package func appended() {
        generation &+= 1
        for (id, waiter) in waiters {
            if case .parked(let continuation) = waiter {
                continuation.resume()
                waiters[id] = .done
            }
        }
    }

    /// Returns once an append after `generation` happened, after `timeout`, or on cancellation.
    package func wait(after generation: UInt64, timeout: Duration) async {
        guard generation == self.generation, timeout > .zero else { return }
        let id = nextID
        nextID += 1
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.park(id: id, generation: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            self.finish(id: id)
        }
    }

    private func park(id: Int, generation: UInt64) async {
        if case .done = waiters[id] {
            waiters[id] = nil
            return
        }
        guard generation == self.generation else {
            waiters[id] = .done  // `finish` removes it
            return
        }
        await withCheckedContinuation { continuation in waiters[id] = .parked(continuation) }
    }

    private func finish(id: Int) {
        switch waiters[id] {
        case .parked(let continuation):
            continuation.resume()
            waiters[id] = nil
        case .done:
            waiters[id] = nil
        case nil:
            waiters[id] = .done  // not parked yet: `park` sees this and returns
        }
    }
}
