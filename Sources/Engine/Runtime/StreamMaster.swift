import Foundation
import Logging
import NIOPosix
import Storage
import Synchronization

/// The master: triggers micro-batches, plans offset ranges, writes the checkpoint, hands the work to
/// the workers, shuffles their partials to the workers owning each key group, commits the sinks and
/// records progress (Spark's MicroBatchExecution, in one process).
///
/// Batch N: plan → `offsets/N` → read → map (workers) → reduce and close windows (workers) →
/// dead letters, raw table, result table (each committed through its manifest) → `state/N` →
/// `commits/N`. After a crash the newest `offsets/N` without `commits/N` is replayed with the same
/// ranges and watermark; sinks skip a batch they already committed.
public actor StreamMaster<Job: StreamJob> where Job.Update: Identifiable, Job.Update.ID: Sendable {
    public let job: Job
    public let configuration: EngineConfiguration
    public let liveView: LiveView<Job>
    private let source: any StreamSource
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let workers: [StreamWorker<Job>]
    private let planner: MicroBatchPlanner
    private let io: NIOThreadPool
    private let stopFlag = Atomic<Bool>(false)

    // Set up by `prepare()`.
    private var checkpoint: CheckpointLog?
    private var sinks: SinkSet?
    private var lock: DataDirectoryFlock?
    private var tracker: WatermarkTracker
    private var summary: Job.Summary
    private var next: [SourcePartition: Int64] = [:]
    private var nextBatchId: Int64 = 0
    private var watermarkToApply = Int64.min
    private var lastAppliedWatermark: Int64?
    private var pendingReplay: OffsetEntry?

    /// Batches run since start and the rows they read (for the CLI's summary).
    public private(set) var batchesRun = 0
    public private(set) var rowsRead = 0

    public init(
        job: Job, source: any StreamSource, configuration: EngineConfiguration, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) },
        isOpen: @escaping @Sendable (Job.Update, Int64) -> Bool
    ) {
        self.job = job
        self.source = source
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.workers = (0..<max(1, configuration.workers)).map { StreamWorker(index: $0, job: job) }
        self.planner = MicroBatchPlanner(maxRecordsPerPartition: configuration.maxRecordsPerPartition)
        self.tracker = WatermarkTracker(
            allowedLateness: configuration.allowedLateness, idleTimeout: configuration.idleTimeout)
        self.summary = job.makeSummary()
        self.liveView = LiveView(
            summary: job.makeSummary(), progressReports: configuration.progressReports, isOpen: isOpen)
        self.io = NIOThreadPool(numberOfThreads: 1)
    }

    /// Asks the stream to stop after the current batch; open parts are rolled by a last batch.
    public nonisolated func requestStop() {
        stopFlag.store(true, ordering: .relaxed)
    }

    /// Runs until `requestStop()` (or, with `once`, until everything available is processed).
    public func run() async throws(StreamError) {
        try configuration.validate()
        io.start()
        try await prepare()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.source.run() }
                try await self.loop()
                group.cancelAll()
                try await group.waitForAll()
            }
        } catch let error as StreamError {
            await shutdown()
            throw error
        } catch {
            await shutdown()
            throw .source("\(error)")
        }
        await shutdown()
    }

    private func shutdown() async {
        await source.close()
        if let sinks { try? await blocking { sinks.close() } }
        lock?.release()
        try? await io.shutdownGracefully()
    }

    // MARK: - Recovery

    private func prepare() async throws(StreamError) {
        let data = configuration.dataDirectory
        lock = try DataDirectoryFlock(directory: data)
        let log = try CheckpointLog(
            directory: "\(data)/checkpoints/\(job.name)", retainedBatches: configuration.retainedBatches)
        checkpoint = log
        let sinks = try SinkSet(job: job, configuration: configuration)
        self.sinks = sinks
        let recovered = try await blocking { () throws(StreamError) in
            try sinks.recover()
            return try log.recover()
        }
        if let state = recovered.state, recovered.lastCommit != nil {
            let snapshot: StreamSnapshot<Job>
            do {
                snapshot = try JSONDecoder().decode(StreamSnapshot<Job>.self, from: Data(state))
            } catch { throw .checkpoint("the saved state cannot be read: \(error)") }
            tracker = snapshot.tracker
            summary = snapshot.summary
            var byWorker: [[Int: Job.GroupState]] = Array(repeating: [:], count: workers.count)
            for (key, state) in snapshot.groups {
                guard let group = Int(key) else { throw .checkpoint("the saved state names key group '\(key)'") }
                byWorker[KeyGroups.worker(ofGroup: group, workers: workers.count)][group] = state
            }
            for (worker, groups) in zip(workers, byWorker) { await worker.restore(groups) }
        }
        var resume: [SourcePartition: Int64] = [:]
        if let commit = recovered.lastCommit, let offsets = recovered.committedOffsets {
            for (partition, range) in offsets.ranges ?? [:] { resume[partition] = range.upperBound }
            nextBatchId = commit.batchId + 1
            watermarkToApply = commit.nextWatermarkMicros
            lastAppliedWatermark = offsets.watermarkMicros
        }
        if let planned = recovered.lastOffsets, planned.batchId == nextBatchId {
            guard let ranges = planned.ranges else { throw .checkpoint("offsets/\(planned.batchId) is malformed") }
            pendingReplay = planned
            for (partition, range) in ranges where resume[partition] == nil { resume[partition] = range.lowerBound }
        }
        next = try await source.start(resume: resume)
        for partition in next.keys { tracker.register(partition: partition.partition, now: now()) }
        logger.info(
            "stream started",
            metadata: [
                "job": "\(job.name)", "source": "\(source.description)", "next.batch": "\(nextBatchId)",
                "replay": "\(pendingReplay != nil)", "workers": "\(workers.count)",
            ])
    }

    // MARK: - The trigger loop

    private func loop() async throws(StreamError) {
        let clock = ContinuousClock()
        if let replay = pendingReplay, let ranges = replay.ranges {
            pendingReplay = nil
            logger.info("replaying an uncommitted batch", metadata: ["batch": "\(replay.batchId)"])
            try await runBatch(id: replay.batchId, ranges: ranges, watermark: replay.watermarkMicros, final: false)
        }
        let target = configuration.once ? try await source.latest() : nil
        while true {
            let started = clock.now
            if stopFlag.load(ordering: .relaxed) || Task.isCancelled {
                try await finish()
                return
            }
            let available = try await source.available()
            let ranges = planner.plan(next: next, available: available, target: target)
            let rows = ranges.values.reduce(Int64(0)) { $0 + Int64($1.count) }
            if let target, rows == 0, MicroBatchPlanner.reached(target, next: next) {
                try await finish()
                return
            }
            let due = try await partsDue()
            if rows > 0 || watermarkToApply != lastAppliedWatermark || due {
                try await runBatch(id: nextBatchId, ranges: ranges, watermark: watermarkToApply, final: false)
            }
            let deadline = started + configuration.trigger
            do {
                if configuration.trigger > .zero {
                    try await Task.sleep(until: deadline, clock: clock)
                } else if rows == 0 {
                    try await Task.sleep(for: .milliseconds(1))
                }
            } catch {
                requestStop()
            }
        }
    }

    /// The last batch: no data, the final watermark, every open part rolled.
    private func finish() async throws(StreamError) {
        if configuration.once { watermarkToApply = tracker.advanceIgnoringIdleness(now: now()) }
        let ranges = next.mapValues { $0..<$0 }
        try await runBatch(id: nextBatchId, ranges: ranges, watermark: watermarkToApply, final: true)
    }

    private func partsDue() async throws(StreamError) -> Bool {
        guard let sinks else { return false }
        let time = now()
        return try await blocking { sinks.partsDue(nowMicros: time) }
    }

    // MARK: - One batch

    private func runBatch(
        id: Int64, ranges: [SourcePartition: Range<Int64>], watermark: Int64, final: Bool
    ) async throws(StreamError) {
        guard let checkpoint, let sinks else { return }
        let clock = ContinuousClock()
        let started = clock.now
        let startedMicros = now()
        var durations = StreamingProgress.Durations()
        func milliseconds(since instant: ContinuousClock.Instant) -> Double {
            let (seconds, attoseconds) = (clock.now - instant).components
            return Double(seconds) * 1000 + Double(attoseconds) / 1e15
        }

        // Write-ahead: offsets/N before anything of batch N happens.
        var phase = clock.now
        let entry = OffsetEntry(
            batchId: id, timestampMs: startedMicros / 1000, watermarkMicros: watermark, ranges: ranges)
        try await blocking { () throws(StreamError) in try checkpoint.writeOffsets(entry) }
        durations.walCommit = milliseconds(since: phase)

        phase = clock.now
        let chunks = try await source.read(ranges)
        durations.getBatch = milliseconds(since: phase)

        // Map: pieces spread over the workers.
        phase = clock.now
        let pieces = chunks.flatMap { $0.split(maxLines: configuration.mapPieceLines) }
        var assignments: [[SourceChunk]] = Array(repeating: [], count: workers.count)
        var loads = Array(repeating: 0, count: workers.count)
        for piece in pieces.sorted(by: { $0.count > $1.count }) {
            let target = loads.indices.min { loads[$0] < loads[$1] } ?? 0
            assignments[target].append(piece)
            loads[target] += piece.count
        }
        let keyGroups = configuration.keyGroups
        let outputs = await withTaskGroup(of: [MapOutput<Job.Partial, Job.Summary>].self) { group in
            for (worker, work) in zip(workers, assignments) where !work.isEmpty {
                group.addTask { await worker.map(work, watermarkMicros: watermark, keyGroups: keyGroups) }
            }
            var all: [MapOutput<Job.Partial, Job.Summary>] = []
            for await output in group { all += output }
            return all
        }
        durations.map = milliseconds(since: phase)

        // Event times feed the watermark of the next batch.
        var maxEvent: [SourcePartition: Int64] = [:]
        var minEvent: Int64?
        var malformed: [DeadLetter] = []
        var late: [DeadLetter] = []
        var partials: [[Int: [Job.Partial]]] = Array(repeating: [:], count: workers.count)
        var batchSummary = job.makeSummary()
        var inputRows = 0
        for output in outputs {
            if let high = output.maxEventMicros {
                maxEvent[output.partition] = max(maxEvent[output.partition] ?? high, high)
            }
            inputRows += output.rowCount + output.malformed.count
            malformed += output.malformed
            late += output.late
            if let low = output.minEventMicros { minEvent = min(minEvent ?? low, low) }
            for (group, partial) in output.partials {
                partials[KeyGroups.worker(ofGroup: group, workers: workers.count)][group, default: []].append(partial)
            }
            job.merge(output.summary, into: &batchSummary)
        }

        // Reduce: partials to the workers owning their key groups; windows behind the watermark close.
        phase = clock.now
        let reduced = await withTaskGroup(of: StreamWorker<Job>.ReduceOutput.self) { group in
            for (worker, work) in zip(workers, partials) {
                group.addTask { await worker.reduce(work, watermarkMicros: watermark) }
            }
            var all: [StreamWorker<Job>.ReduceOutput] = []
            for await output in group { all.append(output) }
            return all
        }
        durations.reduce = milliseconds(since: phase)
        let results = reduced.flatMap(\.results)
        let updates = reduced.flatMap(\.updates)

        // Sinks: dead letters, raw rows, closed windows; each commits batch N through its manifest.
        phase = clock.now
        let rows = ColumnConcatenation.concatenate(outputs.map(\.rows))
        let resultColumns = results.isEmpty ? [] : job.columns(of: results)
        let commitTime = now()
        let (refused, behind) = (malformed, late)
        let committed = try await blocking { () throws(StreamError) in
            try sinks.write(
                batch: id, rows: rows, results: resultColumns, malformed: refused, late: behind,
                watermarkMicros: watermark, nowMicros: commitTime, rollAll: final)
        }
        durations.sink = milliseconds(since: phase)
        durations.addBatch = durations.getBatch + durations.map + durations.reduce + durations.sink

        // State and commit.
        phase = clock.now
        for partition in ranges.keys { tracker.register(partition: partition.partition, now: commitTime) }
        for (partition, high) in maxEvent {
            tracker.observe(partition: partition.partition, maxEventMicros: high, now: commitTime)
        }
        let nextWatermark = tracker.advance(now: commitTime)
        job.merge(batchSummary, into: &summary)
        var groups: [String: Job.GroupState] = [:]
        for worker in workers {
            for (group, state) in await worker.snapshot() { groups[String(group)] = state }
        }
        let snapshot = StreamSnapshot<Job>(batchId: id, tracker: tracker, summary: summary, groups: groups)
        let stateBytes: [UInt8]
        do { stateBytes = Array(try JSONEncoder().encode(snapshot)) } catch {
            throw .checkpoint("cannot encode the state: \(error)")
        }
        let commit = CommitEntry(batchId: id, nextWatermarkMicros: nextWatermark)
        try await blocking { () throws(StreamError) in
            try checkpoint.writeState(stateBytes, batchId: id)
            try checkpoint.writeCommit(commit)
        }
        durations.commitOffsets = milliseconds(since: phase)
        for (partition, range) in ranges { next[partition] = range.upperBound }
        await source.committed(next)
        nextBatchId = id + 1
        lastAppliedWatermark = watermark
        watermarkToApply = nextWatermark
        batchesRun += 1
        rowsRead += inputRows
        durations.triggerExecution = milliseconds(since: started)

        let seconds = max(durations.triggerExecution / 1000, 1e-9)
        let report = StreamingProgress(
            batchId: id, timestamp: ISO8601Micros.format(startedMicros), numInputRows: inputRows,
            inputRowsPerSecond: Double(inputRows) / seconds, processedRowsPerSecond: Double(inputRows) / seconds,
            durationMs: durations,
            eventTime: StreamingProgress.EventTime(
                min: minEvent.map(ISO8601Micros.format), max: maxEvent.values.max().map(ISO8601Micros.format),
                watermark: ISO8601Micros.format(watermark)),
            watermark: watermark,
            stateOperators: [
                StreamingProgress.StateOperator(
                    numRowsTotal: reduced.reduce(0) { $0 + $1.stateRows }, numRowsUpdated: updates.count,
                    memoryUsedBytes: stateBytes.count, numRowsDroppedByWatermark: late.count)
            ],
            lateRows: late.count, malformedRows: malformed.count,
            sources: [
                StreamingProgress.Source(
                    description: source.description,
                    startOffset: Dictionary(
                        uniqueKeysWithValues: ranges.map { ("\($0.key.partition)", $0.value.lowerBound) }),
                    endOffset: Dictionary(
                        uniqueKeysWithValues: ranges.map { ("\($0.key.partition)", $0.value.upperBound) }),
                    numInputRows: inputRows)
            ],
            sinks: committed)
        await liveView.publish(
            summary: summary, updates: updates, results: results, progress: report, watermarkMicros: watermark)
        onProgress?(report)
        logger.debug(
            "batch committed",
            metadata: [
                "batch": "\(id)", "rows": "\(inputRows)", "late": "\(late.count)", "malformed": "\(malformed.count)",
                "ms": "\(Int(durations.triggerExecution))",
            ])
    }

    private var onProgress: (@Sendable (StreamingProgress) -> Void)?

    /// Called with each batch's report (the CLI prints them with `--progress`).
    public func setProgressHandler(_ handler: @escaping @Sendable (StreamingProgress) -> Void) {
        onProgress = handler
    }

    /// Runs blocking file work on the I/O thread, off Swift's cooperative pool.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(StreamError) -> T)
        async throws(StreamError)
        -> T
    {
        do {
            return try await io.runIfActive { try body() }
        } catch let error as StreamError {
            throw error
        } catch {
            throw .sink("I/O thread: \(error)")
        }
    }
}
