import Logging
import NIOPosix
import Storage

/// Durable committed offsets: the `OffsetsLog`, driven from a dedicated one-thread `NIOThreadPool`.
///
/// Writes and fsyncs block, so they must not run on Swift's cooperative pool (two threads here, shared with
/// heartbeats and every other actor). One thread also keeps the appends in the order they were submitted,
/// which is the order the coordinator applied them in memory.
package final class OffsetStore: Sendable {
    private let pool: NIOThreadPool
    private let log: Locked<OffsetsLog?>

    private init(pool: NIOThreadPool, log: OffsetsLog) {
        self.pool = pool
        self.log = Locked(log)
    }

    /// Opens (creating if needed) the offsets log under `directory`, replays it, and returns the store with
    /// the live offsets.
    package static func open(
        directory: String, configuration: OffsetsLogConfiguration, logger: Logger
    ) async throws(OffsetsLogError) -> (store: OffsetStore, offsets: [OffsetKey: CommittedOffset]) {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        do {
            let log = try await pool.runIfActive {
                try OffsetsLog(directory: directory, configuration: configuration, logger: logger)
            }
            return (OffsetStore(pool: pool, log: log), log.live)
        } catch {
            try? await pool.shutdownGracefully()
            throw Self.mapped(error)
        }
    }

    /// Appends `records` (fsynced when configured); returns once they are on disk.
    package func append(_ records: [OffsetsLogRecord]) async throws(OffsetsLogError) {
        guard !records.isEmpty else { return }
        do {
            try await pool.runIfActive {
                try self.log.withLock { (log: inout OffsetsLog?) throws(OffsetsLogError) in
                    guard log != nil else { throw .closed }
                    try log?.append(records)
                }
            }
        } catch {
            throw Self.mapped(error)
        }
    }

    /// Closes the file after the appends already submitted, and stops the thread.
    package func close() async {
        _ = try? await pool.runIfActive {
            self.log.withLock { log in
                log?.close()
                log = nil
            }
        }
        try? await pool.shutdownGracefully()
    }

    private static func mapped(_ error: any Error) -> OffsetsLogError {
        (error as? OffsetsLogError) ?? .closed
    }
}
