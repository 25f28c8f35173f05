import CoreMetrics
import Logging
import NIOCore

/// The durable log of one partition: segments of RecordBatch v2 bytes stored verbatim, offsets assigned by
/// rewriting each batch's baseOffset, sparse offset and time indexes, retention, and recovery on open.
///
/// Concurrency: an actor whose executor is a NIO event loop the caller provides, taken from a small
/// `MultiThreadedEventLoopGroup` dedicated to storage (not the network loops). Its methods do blocking file
/// I/O and fsync directly, so they block that loop's thread and never Swift's cooperative pool (two threads
/// here). No method suspends, so two operations never interleave; callers `await` the hop onto the loop.
///
/// Open one instance per directory; `DataDirectoryLock` keeps other processes out of the data directory.
///
/// Failure is fail-stop: after a write, read or fsync error every later call throws `LogError.stopped`,
/// so nothing is acknowledged that might not be on disk. Reopening recovers.
package actor PartitionLog {
    /// The partition's directory, holding its segment files and `recovery-checkpoint`.
    package nonisolated let directory: String
    package private(set) var configuration: LogConfiguration
    nonisolated let eventLoop: any EventLoop
    private nonisolated let executor: any SerialExecutor
    let logger: Logger
    let faults: IOFaultInjector?
    let metrics: LogMetrics
    /// Segments by base offset; never empty once opened, the last is the active one.
    var segments: [LogSegment] = []
    /// The first offset readers may fetch (moved by retention and `deleteRecords`).
    package internal(set) var logStartOffset: Int64 = 0
    /// Every batch below this offset is on disk (synced).
    package internal(set) var recoveryPoint: Int64 = 0
    /// The checkpoint last written, to skip rewriting an unchanged one.
    var lastCheckpoint: RecoveryCheckpoint?
    var failure: IOFailure?
    var isClosed = false
    var flushTask: RepeatedTask?
    /// A background flush is running (`periodicFlush`).
    var flushInFlight = false
    /// Moves when the log is cut back: a background flush begun before does not move the recovery
    /// point past offsets written again since.
    var truncations = 0
    /// The cleaner compacted every closed segment below this offset (0 after opening: the first pass
    /// counts every closed segment as dirty).
    var firstDirtyOffset: Int64 = 0
    /// Tests: the cleaner fails at this step of a segment swap, as an I/O error there would.
    var cleanerFailsAt: CleanerStep?

    /// Tests: makes the cleaner fail at `step` (nil: never).
    package func failCleaner(at step: CleanerStep?) {
        cleanerFailsAt = step
    }

    package nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(
        directory: String, configuration: LogConfiguration, eventLoop: any EventLoop, logger: Logger,
        metricsFactory: any MetricsFactory, faults: IOFaultInjector?
    ) {
        self.directory = directory
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.executor = eventLoop.executor
        var logger = logger
        logger[metadataKey: "log.directory"] = "\(directory)"
        self.logger = logger
        self.faults = faults
        let partition = directory.split(separator: "/").last.map(String.init) ?? directory
        self.metrics = LogMetrics(partition: partition, factory: metricsFactory)
    }

    /// Opens (creating when missing) the log in `directory` and recovers it: batches after the last clean
    /// point are validated and a torn or corrupt tail is cut, missing or malformed indexes are rebuilt.
    /// Its work runs on `eventLoop`, which must belong to a `MultiThreadedEventLoopGroup` kept for storage.
    /// Metrics go to `metricsFactory` (the global one by default); `faults` makes file operations fail, for tests.
    package static func open(
        directory: String, configuration: LogConfiguration = LogConfiguration(), eventLoop: any EventLoop,
        logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory, faults: IOFaultInjector? = nil
    ) async throws(LogError) -> PartitionLog {
        try configuration.validate()
        let log = PartitionLog(
            directory: directory, configuration: configuration, eventLoop: eventLoop, logger: logger,
            metricsFactory: metricsFactory, faults: faults)
        try await log.load()
        return log
    }

    // MARK: State

    /// The offset the next appended record gets.
    package var logEndOffset: Int64 { segments.last?.nextOffset ?? logStartOffset }

    /// The offset up to which consumers may read; a single-node log acknowledges at its end.
    package var highWatermark: Int64 { logEndOffset }

    /// Bytes of batches in all segments.
    package var sizeInBytes: Int { segments.reduce(0) { $0 + $1.size } }

    /// The base offsets of the segments, oldest first.
    package var segmentBaseOffsets: [Int64] { segments.map(\.baseOffset) }

    var activeSegment: LogSegment? { segments.last }

    /// The byte ranges of the active segment this process has checked (see `VerifiedRanges`).
    var activeSegmentVerifiedRanges: [Range<Int>] { activeSegment?.verified.ranges ?? [] }

    // MARK: Append and read

    /// Stores `batches` (one or more RecordBatch v2, back to back) verbatim after validating every one
    /// (length, magic 2, CRC-32C), rewriting each baseOffset to the next offset of the log and each
    /// partitionLeaderEpoch to `leaderEpoch`. With `FsyncPolicy.always` the bytes are synced before it returns.
    /// `now` is the wall-clock time in milliseconds since the epoch (for rolling by age).
    /// Nothing is written when a batch is invalid.
    package func append(batches: ByteBuffer, now: Int64, leaderEpoch: Int32 = 0) throws(LogError) -> LogAppendInfo {
        try checkUsable()
        var payload = batches
        var headers: [BatchHeader] = []
        var cursor = payload
        while cursor.readableBytes > 0 {
            let batch: StoredBatch
            do {
                batch = try StoredBatch(validating: cursor, maximumSize: configuration.maxBatchBytes)
            } catch {
                throw .invalidBatch(index: headers.count, defect: error)
            }
            headers.append(batch.header)
            cursor.moveReaderIndex(forwardBy: batch.size)
        }
        guard !headers.isEmpty else { throw .invalidBatch(index: 0, defect: .empty) }

        let baseOffset = logEndOffset
        var nextOffset = baseOffset
        var position = payload.readerIndex
        for index in headers.indices {
            headers[index].baseOffset = nextOffset
            headers[index].partitionLeaderEpoch = leaderEpoch
            payload.setInteger(nextOffset, at: position + BatchHeader.baseOffsetField)
            payload.setInteger(leaderEpoch, at: position + BatchHeader.partitionLeaderEpochField)
            nextOffset = headers[index].nextOffset
            position += headers[index].totalSize
        }
        do throws(LogError) {
            try rollIfNeeded(
                incomingBytes: payload.readableBytes, incomingTimestamp: headers.map(\.maxTimestamp).max() ?? -1,
                lastOffset: nextOffset - 1, now: now)
            guard let segment = activeSegment else { throw LogError.closed }
            try segment.append(payload: payload, headers: headers, now: now)
            if configuration.fsyncPolicy == .always {
                try timedSync { () throws(LogError) in try segment.syncLog() }
                recoveryPoint = nextOffset
            }
        } catch {
            throw stop(error)
        }
        metrics.appendedBytes.increment(by: payload.readableBytes)
        metrics.appendedBatches.increment(by: headers.count)
        return LogAppendInfo(
            baseOffset: baseOffset, lastOffset: nextOffset - 1, batchCount: headers.count,
            byteCount: payload.readableBytes, logStartOffset: logStartOffset)
    }

    /// Whole batches from the one holding `offset`: as many as fit in `maxBytes` from one segment, and always
    /// at least one (as Kafka does, so a batch larger than the limit still gets through). Empty at the log end.
    /// Throws `offsetOutOfRange` outside `logStartOffset...logEndOffset`.
    package func read(from offset: Int64, maxBytes: Int) throws(LogError) -> ByteBuffer {
        let verify = configuration.verifyChecksumsOnRead
        return try fromBatch(holding: offset) { segment, position throws(LogError) in
            try segment.read(at: position, maxBytes: maxBytes, verifyChecksums: verify)
        } ?? ByteBuffer()
    }

    /// Runs `body` on the segment and position of the batch holding `offset`; nil at the log end.
    /// Throws `offsetOutOfRange` outside `logStartOffset...logEndOffset`; an I/O error stops the log.
    private func fromBatch<T>(
        holding offset: Int64, _ body: (LogSegment, Int) throws(LogError) -> T
    ) throws(LogError) -> T? {
        try checkUsable()
        guard offset >= logStartOffset, offset <= logEndOffset else {
            throw .offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: logEndOffset)
        }
        guard offset < logEndOffset, let segment = segment(containing: offset) else { return nil }
        do {
            guard let position = try segment.position(of: offset) else { return nil }
            return try body(segment, position)
        } catch {
            throw stop(error)
        }
    }

    /// Applies a topic's new settings (AlterConfigs): segment size and age, retention, compaction and the
    /// largest batch take effect from the next append or retention pass, the index interval from the next
    /// segment, and a new fsync policy at once (the flush timer restarts at the new interval).
    package func reconfigure(_ new: LogConfiguration) throws(LogError) {
        try new.validate()
        let previous = configuration.fsyncPolicy
        configuration = new
        if new.fsyncPolicy != previous {
            periodicFlush()
            flushTask?.cancel()
            flushTask = nil
            startFlushTimer()
        }
    }

    /// Like `read`, but the batches stay in the file: a slice with its own descriptor, for sendfile.
    /// Nil when `offset` is the log end.
    package func readSlice(from offset: Int64, maxBytes: Int) throws(LogError) -> LogFileSlice? {
        let verify = configuration.verifyChecksumsOnRead
        return try fromBatch(holding: offset) { segment, position throws(LogError) in
            try segment.slice(at: position, maxBytes: maxBytes, verifyChecksums: verify)
        } ?? nil
    }

    /// ListOffsets by time: the first record at or after the log start whose timestamp is at least
    /// `timestamp`, with its timestamp, or nil when no record is that recent (Kafka then answers offset
    /// -1). The time index leads to the batch; the records inside it decide. Kafka's special values
    /// (-1 latest, -2 earliest, -3 max timestamp) are the caller's to map first.
    package func record(forTimestamp timestamp: Int64) throws(LogError) -> (offset: Int64, timestamp: Int64)? {
        try checkUsable()
        do {
            for segment in segments where segment.nextOffset > logStartOffset && segment.maxTimestamp >= timestamp {
                if let found = try segment.offset(forTimestamp: timestamp, notBefore: logStartOffset) {
                    return found
                }
            }
            return nil
        } catch {
            throw stop(error)
        }
    }

    /// The offset of `record(forTimestamp:)`.
    package func offset(forTimestamp timestamp: Int64) throws(LogError) -> Int64? {
        try record(forTimestamp: timestamp)?.offset
    }

    /// The segment whose offsets include `offset`, or nil when it is below the first segment.
    func segment(containing offset: Int64) -> LogSegment? {
        segmentIndex(containing: offset).map { segments[$0] }
    }

    /// The index in `segments` of the last segment whose base offset is at most `offset`.
    func segmentIndex(containing offset: Int64) -> Int? {
        var low = 0
        var high = segments.count
        while low < high {
            let middle = (low + high) / 2
            if segments[middle].baseOffset <= offset { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? low - 1 : nil
    }

    // MARK: Durability

    /// Syncs everything appended so far and records it as the recovery point.
    package func flush() throws(LogError) {
        try checkUsable()
        do { try flushAll(cleanShutdown: false) } catch { throw stop(error) }
    }

    /// Flushes, writes a clean-shutdown checkpoint and closes the files. Later calls throw `closed`.
    /// After a failure the files are closed without the clean mark, and `stopped` is thrown.
    package func close() throws(LogError) {
        guard !isClosed else { return }
        flushTask?.cancel()
        flushTask = nil
        defer {
            for segment in segments { segment.close() }
            isClosed = true
        }
        if let failure { throw .stopped(after: failure) }
        do { try flushAll(cleanShutdown: true) } catch { throw stop(error) }
        logger.info("closed partition log", metadata: ["log.end_offset": "\(logEndOffset)"])
    }

    /// Syncs the active segment and writes the checkpoint when it changed.
    func flushAll(cleanShutdown: Bool) throws(LogError) {
        if let segment = activeSegment {
            try segment.completeTimeIndex()
            try timedSync { () throws(LogError) in try segment.sync() }
        }
        recoveryPoint = logEndOffset
        try writeCheckpoint(cleanShutdown: cleanShutdown)
    }

    /// Runs `sync` and records how long it took.
    func timedSync(_ sync: () throws(LogError) -> Void) throws(LogError) {
        let start = ContinuousClock.now
        try sync()
        let elapsed = (ContinuousClock.now - start).components
        metrics.syncDuration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }

    /// Writes `recovery-checkpoint` with the current recovery point and log start, unless unchanged.
    /// The write goes through the flusher queue, after any background write queued before it, so
    /// the newest checkpoint is the one that stays.
    func writeCheckpoint(cleanShutdown: Bool) throws(LogError) {
        guard let checkpoint = changedCheckpoint(cleanShutdown: cleanShutdown) else { return }
        let write = checkpointWriter(checkpoint)
        try LogFlusher.queue.sync(execute: write).get()
        lastCheckpoint = checkpoint
    }

    /// The checkpoint of the current recovery point and log start, or nil when it is the one written last.
    func changedCheckpoint(cleanShutdown: Bool) -> RecoveryCheckpoint? {
        let checkpoint = RecoveryCheckpoint(
            recoveryPoint: recoveryPoint, logStartOffset: logStartOffset, cleanShutdown: cleanShutdown)
        return checkpoint == lastCheckpoint ? nil : checkpoint
    }

    /// Writes `checkpoint` to `recovery-checkpoint` when called (on the flusher thread).
    func checkpointWriter(_ checkpoint: RecoveryCheckpoint) -> @Sendable () -> Result<Void, LogError> {
        let path = directory + "/" + RecoveryCheckpoint.fileName
        let faults = faults
        return {
            do throws(LogError) {
                try AtomicFile.write(checkpoint.encoded(), to: path, faults: faults)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
    }

    /// Starts the interval timer of `FsyncPolicy.interval`.
    func startFlushTimer() {
        guard case .interval(let milliseconds) = configuration.fsyncPolicy else { return }
        flushTask = eventLoop.scheduleRepeatedTask(
            initialDelay: .milliseconds(milliseconds), delay: .milliseconds(milliseconds)
        ) { [weak self] _ in
            // The timer runs on the event loop that is this actor's executor.
            self?.assumeIsolated { $0.periodicFlush() }
        }
    }

    // MARK: Failure

    /// Throws when the log stopped or was closed.
    func checkUsable() throws(LogError) {
        if let failure { throw .stopped(after: failure) }
        if isClosed { throw .closed }
    }

    /// Stops the log when `error` is an I/O failure (fail-stop), logging it; returns the error to throw.
    func stop(_ error: LogError) -> LogError {
        guard case .io(let cause) = error, failure == nil else {
            if case .corruptData(let path, let position, let defect) = error {
                logger.error(
                    "corrupt batch on disk, not served",
                    metadata: ["file": "\(path)", "position": "\(position)", "defect": "\(defect)"])
            }
            return error
        }
        failure = cause
        flushTask?.cancel()
        flushTask = nil
        logger.critical(
            "partition log stopped after an I/O failure",
            metadata: ["operation": "\(cause.operation)", "file": "\(cause.path)", "errno": "\(cause.errno)"])
        return error
    }
}
