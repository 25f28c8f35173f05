import Storage

/// Tells watchers that something changed, without polling: each watcher's stream holds at most the
/// newest signal (a slow watcher skips to it), and a watcher that stops iterating is forgotten.
public final class ChangeSignal: Sendable {
    private struct State {
        var watchers: [Int: AsyncStream<Int>.Continuation] = [:]
        var nextId = 0
        var version = 0
    }

    private let state = Locked(State())

    public init() {}

    /// Signals version `version` to every watcher.
    func signal(_ version: Int) {
        let watchers = state.withLock { state in
            state.version = version
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.yield(version) }
    }

    /// The versions from now on, starting with the current one.
    public func watch() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextId
            state.nextId += 1
            state.watchers[id] = continuation
            continuation.yield(state.version)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }
}
