import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension StreamError {
    /// The failure is a full file system (`ENOSPC`, or `EDQUOT` past a quota). Sinks and the checkpoint
    /// report file failures as text, ending as `FileFailure` describes them: "… (errno N)".
    public var isNoSpace: Bool {
        let message = description
        return message.contains("(errno \(ENOSPC))") || message.contains("(errno \(EDQUOT))")
    }
}

extension StreamMaster {
    /// Longest wait between two attempts to commit on a full file system.
    static var longestPause: Duration { .seconds(2) }

    /// Commits `batch`, pausing while the file system under the data directory is full instead of
    /// failing: one log line when commits pause and one when they resume; meanwhile the batches behind
    /// this one wait (so does the computing of more, once `maxUncommittedBatches` are queued) and
    /// nothing is lost. Each attempt after the first begins as a restart does, with the sinks recovered
    /// from disk (open parts cut back to their last synced state, a half-written batch dropped) so the
    /// batch is committed exactly once, however far the failed attempt got. A stop or drain asked for
    /// while paused ends the wait with the error: the next start replays the batch.
    func commitPausingWhileFull(_ batch: ComputedBatch?) async throws(StreamError) {
        guard let batch else { return }
        var pause = Duration.milliseconds(100)
        var pausedAt: ContinuousClock.Instant?
        var attempts = 0
        while true {
            do throws(StreamError) {
                if pausedAt != nil, let sinks { try await blocking { () throws(StreamError) in try sinks.recover() } }
                try await commit(batch)
                if let pausedAt {
                    logger.notice(
                        "the data directory has space again: commits resumed",
                        metadata: [
                            "batch": "\(batch.id)", "paused.seconds": "\((ContinuousClock.now - pausedAt).inSeconds)",
                            "failed.attempts": "\(attempts)",
                        ])
                }
                return
            } catch  where error.isNoSpace {
                if stopFlag.load(ordering: .relaxed) || drainFlag.load(ordering: .relaxed) || Task.isCancelled {
                    throw error
                }
                attempts += 1
                if pausedAt == nil {
                    pausedAt = .now
                    logger.error(
                        "the data directory's file system is full: commits paused until space returns",
                        metadata: [
                            "batch": "\(batch.id)", "data.dir": "\(configuration.dataDirectory)", "error": "\(error)",
                        ])
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, Self.longestPause)
            }
        }
    }
}
