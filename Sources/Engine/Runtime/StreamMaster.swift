import Foundation
import Logging
import Metrics
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
    private let drainFlag = Atomic<Bool>(false)

    // Set up by `prepare()`.
    private var checkpoint: CheckpointLog?
    private var sinks: SinkSet?
    private var lock: DataDirectoryFlock?
    private var tracker: WatermarkTracker
    private var summary: Job.Summary
    private var next: [SourcePartition: Int64] = [:]
    private var nextBatchId: Int64 = 0
    private var watermarkToApply = Int64.min
    private var lastAppliedWatermark = Int64.min
    private var pendingReplay: OffsetEntry?
    /// When the first open part is due to roll, as of the last commit.
    private var nextRollMicros: Int64?
    private var latency = LatencyHistogram()
    private let metrics: StreamMetrics

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
        self.metrics = StreamMetrics(job: job.name, factory: configuration.metricsFactory ?? MetricsSystem.factory)
    }

    /// Asks the stream to stop after the current batch; open parts are rolled by a last batch.
    public nonisolated func requestStop() {
        stopFlag.store(true, ordering: .relaxed)
    }

    /// Asks the stream to read what the source holds now, then stop as `--once` does (close what the
    /// final watermark allows, roll every part).
    public nonisolated func requestDrain() {
        drainFlag.store(true, ordering: .relaxed)
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
        let (recovered, nextRoll) = try await blocking { () throws(StreamError) in
            try sinks.recover()
            return (try log.recover(), sinks.nextRollMicros)
        }
        nextRollMicros = nextRoll
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

    /// Commits run in order on a queue of their own while the trigger loop goes on computing the
    /// next batches (in memory, no side effect) and publishing them to the live view: computing and
    /// writing overlap, and a slow fsync delays durability, not what the live view shows. A batch's
    /// `offsets/N` is written by its commit, after `commits/N-1`, so recovery still has at most one
    /// batch to replay. The queue is bounded by batches and rows (`maxUncommittedBatches`,
    /// `maxUncommittedRows`): past that, the loop waits for the oldest commit, so a slow sink slows
    /// the batches.
    private func loop() async throws(StreamError) {
        var commits = CommitQueue()
        do { try await loop(&commits) } catch {
            // Commits already queued still finish (each is consistent on its own) before shutdown
            // closes the sinks under them.
            await commits.settle()
            throw error
        }
    }

    private func loop(_ commits: inout CommitQueue) async throws(StreamError) {
        let clock = ContinuousClock()
        if let replay = pendingReplay, let ranges = replay.ranges {
            pendingReplay = nil
            logger.info("replaying an uncommitted batch", metadata: ["batch": "\(replay.batchId)"])
            let computed = try await compute(
                id: replay.batchId, ranges: ranges, watermark: replay.watermarkMicros, final: false)
            enqueue(computed, in: &commits)
        }
        var target = configuration.once ? try await source.latest() : nil
        var draining = configuration.once
        while true {
            let started = clock.now
            if let commitFailure { throw commitFailure }
            try await commits.collect(through: lastCommittedBatch)
            if stopFlag.load(ordering: .relaxed) || Task.isCancelled {
                try await finish(after: &commits, final: draining)
                return
            }
            if !draining && drainFlag.load(ordering: .relaxed) {
                draining = true
                target = try await source.latest()
            }
            let available = try await source.available()
            let ranges = planner.plan(next: next, available: available, target: target)
            let rows = ranges.values.reduce(Int64(0)) { $0 + Int64($1.count) }
            if let target, rows == 0, MicroBatchPlanner.reached(target, next: next) {
                try await finish(after: &commits, final: true)
                return
            }
            let due = partsDue()
            if rows > 0 || watermarkToApply != lastAppliedWatermark || due {
                while commits.count >= configuration.maxUncommittedBatches
                    || (commits.count > 0 && commits.rows + Int(rows) > configuration.maxUncommittedRows)
                {
                    try await commits.waitForOldest()
                }
                let computed = try await compute(
                    id: nextBatchId, ranges: ranges, watermark: watermarkToApply, final: false)
                enqueue(computed, in: &commits)
            }
            do {
                if configuration.trigger > .zero {
                    try await Task.sleep(until: started + configuration.trigger, clock: clock)
                } else if rows == 0 {
                    try await Task.sleep(for: .milliseconds(1))
                }
            } catch {
                requestStop()
            }
        }
    }

    /// Puts a computed batch behind the commits already queued.
    private func enqueue(_ batch: ComputedBatch, in commits: inout CommitQueue) {
        let previous = commits.last
        commits.append(
            Task {
                if let previous { try await previous.value }
                do throws(StreamError) { try await self.commit(batch) } catch {
                    self.failed(error)
                    throw error
                }
            }, batch: batch.id, rows: batch.inputRows)
    }

    /// The newest batch committed since start.
    private var lastCommittedBatch = Int64.min
    /// The first commit error: the loop stops on it at its next turn.
    private var commitFailure: StreamError?

    private func failed(_ error: StreamError) {
        if commitFailure == nil { commitFailure = error }
    }

    /// The last batch: no data, the final watermark, every open part rolled.
    private func finish(after commits: inout CommitQueue, final drained: Bool) async throws(StreamError) {
        try await commits.waitForAll()
        if drained { watermarkToApply = tracker.advanceIgnoringIdleness(now: now()) }
        let open = try await openParts()
        guard open || watermarkToApply != lastAppliedWatermark else { return }
        let ranges = next.mapValues { $0..<$0 }
        let last = try await compute(id: nextBatchId, ranges: ranges, watermark: watermarkToApply, final: true)
        try await commit(last)
    }

    private func openParts() async throws(StreamError) -> Bool {
        guard let sinks else { return false }
        return try await blocking { sinks.hasOpenParts }
    }

    /// Whether an open part is due to roll, from what the last commit (or recovery) reported: asking
    /// the sinks would wait behind the commits queued on the I/O thread.
    private func partsDue() -> Bool {
        guard let nextRollMicros else { return false }
        return now() >= nextRollMicros
    }

    // MARK: - One batch

    /// A batch computed in memory, waiting for its commit.
    struct ComputedBatch: Sendable {
        var id: Int64
        var ranges: [SourcePartition: Range<Int64>]
        var watermark: Int64
        var nextWatermark: Int64
        var final: Bool
        var startedMicros: Int64
        var started: ContinuousClock.Instant
        /// When computing it ended (its commit may wait behind earlier ones).
        var computed: ContinuousClock.Instant
        var durations: StreamingProgress.Durations
        var rows: [[ParquetColumnBuffer]]
        var results: [Job.Result]
        var malformed: [DeadLetter]
        var late: [DeadLetter]
        var inputRows: Int
        var minEvent: Int64?
        var maxEvent: Int64?
        var stateRows: Int
        var updatedRows: Int
        var snapshot: StreamSnapshot<Job>
    }

    /// Reads, maps and reduces a batch: everything but its side effects.
    private func compute(
        id: Int64, ranges: [SourcePartition: Range<Int64>], watermark: Int64, final: Bool
    ) async throws(StreamError) -> ComputedBatch {
        let clock = ContinuousClock()
        let started = clock.now
        let startedMicros = now()
        var durations = StreamingProgress.Durations()

        var phase = clock.now
        let chunks = try await source.read(ranges)
        durations.getBatch = Self.milliseconds(from: phase, to: clock.now)

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
        durations.map = Self.milliseconds(from: phase, to: clock.now)

        var maxEvent: [SourcePartition: Int64] = [:]
        var minEvent: Int64?
        var malformed: [DeadLetter] = []
        var late: [DeadLetter] = []
        var partials: [[Int: [Job.Partial]]] = Array(repeating: [:], count: workers.count)
        var inputRows = 0
        for output in outputs {
            if let high = output.maxEventMicros {
                maxEvent[output.partition] = max(maxEvent[output.partition] ?? high, high)
            }
            if let low = output.minEventMicros { minEvent = min(minEvent ?? low, low) }
            inputRows += output.rowCount + output.malformed.count
            malformed += output.malformed
            late += output.late
            for (group, partial) in output.partials {
                partials[KeyGroups.worker(ofGroup: group, workers: workers.count)][group, default: []].append(partial)
            }
            job.merge(output.summary, into: &summary)
        }
        // Offsets sort malformed and late records as the source delivered them.
        malformed.sort { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        late.sort { ($0.partition, $0.offset) < ($1.partition, $1.offset) }

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
        var groups: [String: Job.GroupState] = [:]
        for worker in workers {
            for (group, state) in await worker.snapshot() { groups[String(group)] = state }
        }
        durations.reduce = Self.milliseconds(from: phase, to: clock.now)
        let results = reduced.flatMap(\.results)
        let updates = reduced.flatMap(\.updates)

        // The watermark the next batch applies.
        let time = now()
        for partition in ranges.keys { tracker.register(partition: partition.partition, now: time) }
        for (partition, high) in maxEvent {
            tracker.observe(partition: partition.partition, maxEventMicros: high, now: time)
        }
        let nextWatermark = tracker.advance(now: time)
        for (partition, range) in ranges { next[partition] = range.upperBound }
        nextBatchId = id + 1
        lastAppliedWatermark = watermark
        watermarkToApply = nextWatermark
        await liveView.publish(summary: summary, updates: updates, results: results, watermarkMicros: watermark)
        let visible = now() / 1000
        for output in outputs {
            for (millis, count) in output.eventTimesMillis { latency.record(visible - millis, count: count) }
        }

        return ComputedBatch(
            id: id, ranges: ranges, watermark: watermark, nextWatermark: nextWatermark, final: final,
            startedMicros: startedMicros, started: started, computed: clock.now, durations: durations,
            rows: outputs.map(\.rows),
            results: results, malformed: malformed, late: late, inputRows: inputRows, minEvent: minEvent,
            maxEvent: maxEvent.values.max(), stateRows: reduced.reduce(0) { $0 + $1.stateRows },
            updatedRows: updates.count,
            snapshot: StreamSnapshot(batchId: id, tracker: tracker, summary: summary, groups: groups))
    }

    /// Makes a computed batch durable: `offsets/N`, dead letters, tables (each through its manifest),
    /// `state/N`, `commits/N`; then reports its progress.
    private func commit(_ batch: ComputedBatch?) async throws(StreamError) {
        guard let batch, let checkpoint, let sinks else { return }
        if let beforeCommit = configuration.beforeCommit { await beforeCommit(batch.id) }
        let clock = ContinuousClock()
        var durations = batch.durations
        let commitTime = now()
        let job = self.job
        let crash = configuration.crashPoint
        let entry = OffsetEntry(
            batchId: batch.id, timestampMs: batch.startedMicros / 1000, watermarkMicros: batch.watermark,
            ranges: batch.ranges)
        let commit = CommitEntry(batchId: batch.id, nextWatermarkMicros: batch.nextWatermark)
        let commitStarted = clock.now
        let phases = try await blocking { () throws(StreamError) -> CommitPhases in
            var phase = clock.now
            try checkpoint.writeOffsets(entry)
            crash?.check(.afterOffsets, batch: entry.batchId)
            let wal = Self.milliseconds(from: phase, to: clock.now)
            phase = clock.now
            let resultColumns = batch.results.isEmpty ? [] : job.columns(of: batch.results)
            let committed = try sinks.write(
                batch: batch.id, rows: batch.rows, results: resultColumns, malformed: batch.malformed, late: batch.late,
                watermarkMicros: batch.watermark, nowMicros: commitTime, rollAll: batch.final, crash: crash)
            crash?.check(.afterSinks, batch: batch.id)
            let sink = Self.milliseconds(from: phase, to: clock.now)
            phase = clock.now
            let state: [UInt8]
            do { state = Array(try JSONEncoder().encode(batch.snapshot)) } catch {
                throw .checkpoint("cannot encode the state: \(error)")
            }
            try checkpoint.writeState(state, batchId: batch.id)
            crash?.check(.afterState, batch: batch.id)
            try checkpoint.writeCommit(commit)
            return CommitPhases(
                wal: wal, sink: sink, commit: Self.milliseconds(from: phase, to: clock.now), stateBytes: state.count,
                sinks: committed, nextRollMicros: sinks.nextRollMicros)
        }
        nextRollMicros = phases.nextRollMicros
        durations.walCommit = phases.wal
        durations.sink = phases.sink
        durations.commitOffsets = phases.commit
        durations.addBatch = durations.getBatch + durations.map + durations.reduce + durations.sink
        durations.commitQueue = Self.milliseconds(from: batch.computed, to: commitStarted)
        durations.triggerExecution =
            Self.milliseconds(from: batch.started, to: batch.computed)
            + Self.milliseconds(from: commitStarted, to: clock.now)
        await source.committed(batch.ranges.mapValues(\.upperBound))
        lastCommittedBatch = batch.id
        batchesRun += 1
        rowsRead += batch.inputRows

        let seconds = max(durations.triggerExecution / 1000, 1e-9)
        let report = StreamingProgress(
            batchId: batch.id, timestamp: ISO8601Micros.format(batch.startedMicros), numInputRows: batch.inputRows,
            inputRowsPerSecond: Double(batch.inputRows) / seconds,
            processedRowsPerSecond: Double(batch.inputRows) / seconds,
            durationMs: durations,
            eventTime: StreamingProgress.EventTime(
                min: batch.minEvent.map(ISO8601Micros.format), max: batch.maxEvent.map(ISO8601Micros.format),
                watermark: ISO8601Micros.format(batch.watermark)),
            watermark: batch.watermark,
            stateOperators: [
                StreamingProgress.StateOperator(
                    numRowsTotal: batch.stateRows, numRowsUpdated: batch.updatedRows,
                    memoryUsedBytes: phases.stateBytes,
                    numRowsDroppedByWatermark: batch.late.count)
            ],
            lateRows: batch.late.count, malformedRows: batch.malformed.count,
            sources: [
                StreamingProgress.Source(
                    description: source.description,
                    startOffset: Dictionary(
                        uniqueKeysWithValues: batch.ranges.map { ("\($0.key.partition)", $0.value.lowerBound) }),
                    endOffset: Dictionary(
                        uniqueKeysWithValues: batch.ranges.map { ("\($0.key.partition)", $0.value.upperBound) }),
                    numInputRows: batch.inputRows)
            ],
            sinks: phases.sinks, latency: latency.summary)
        await liveView.record(report)
        metrics.record(report)
        onProgress?(report)
        logger.debug(
            "batch committed",
            metadata: [
                "batch": "\(batch.id)", "rows": "\(batch.inputRows)", "late": "\(batch.late.count)",
                "malformed": "\(batch.malformed.count)", "ms": "\(Int(durations.triggerExecution))",
            ])
    }

    /// What the commit's blocking part measured and left behind.
    private struct CommitPhases: Sendable {
        var wal: Double
        var sink: Double
        var commit: Double
        var stateBytes: Int
        var sinks: [StreamingProgress.Sink]
        var nextRollMicros: Int64?
    }

    private static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let (seconds, attoseconds) = (end - start).components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
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
