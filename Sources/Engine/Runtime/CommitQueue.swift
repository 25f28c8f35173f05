import DequeModule

/// The commits of computed batches, oldest first, each a task that waits for the one before it:
/// they complete in batch order. Owned by the master's trigger loop.
struct CommitQueue {
    private var tasks: Deque<(task: Task<Void, any Error>, batch: Int64, rows: Int)> = []

    /// Commits not known to be finished.
    var count: Int { tasks.count }
    /// Input rows of those commits.
    private(set) var rows = 0
    /// The newest commit, which the next one waits for.
    var last: Task<Void, any Error>? { tasks.last?.task }

    mutating func append(_ task: Task<Void, any Error>, batch: Int64, rows: Int) {
        tasks.append((task, batch, rows))
        self.rows += rows
    }

    /// Waits for the oldest commit; its error (the stream's end) is thrown.
    mutating func waitForOldest() async throws(StreamError) {
        guard let (task, _, rows) = tasks.popFirst() else { return }
        self.rows -= rows
        do { try await task.value } catch { throw Self.streamError(error) }
    }

    /// Drops the commits of batches up to `batch`, which have finished.
    mutating func collect(through batch: Int64) async throws(StreamError) {
        while let first = tasks.first, first.batch <= batch { try await waitForOldest() }
    }

    mutating func waitForAll() async throws(StreamError) {
        while !tasks.isEmpty { try await waitForOldest() }
    }

    /// Waits for every commit, ignoring their errors (the loop ended by an error of its own).
    mutating func settle() async {
        while let entry = tasks.popFirst() { _ = try? await entry.task.value }
        rows = 0
    }

    private static func streamError(_ error: any Error) -> StreamError {
        (error as? StreamError) ?? .sink("\(error)")
    }
}
