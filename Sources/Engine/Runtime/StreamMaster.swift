import Foundation
import Logging
import Metrics
import NIOPosix
import ServiceLifecycle
import Storage
import Synchronization

/// The master: triggers micro-batches, plans offset ranges, writes the checkpoint, hands the work to
/// the workers, shuffles their partials to the workers owning each key group, commits the sinks and
/// records progress (Spark's MicroBatchExecution, in one process).
///
/// Batch N: plan → read → map (workers) → reduce and close windows (workers) → the live view; then,
/// in order behind the commits of earlier batches, `offsets/N` → dead letters, raw table, result
/// table (each committed through its Delta log) → `state/N` → `commits/N`. After a crash the newest
/// `offsets/N` without `commits/N` is replayed with the same ranges and watermark; sinks skip a batch
/// they already committed.
public actor StreamMaster<Job: StreamJob>: Service {
    public let job: Job
    public let configuration: EngineConfiguration
    public nonisolated let liveView: LiveView<Job>
    let source: any StreamSource
    let logger: Logger
    let now: @Sendable () -> Int64
    let workers: [StreamWorker<Job>]
    private let planner: MicroBatchPlanner
    private let io: NIOThreadPool
    let stopFlag = Atomic<Bool>(false)
    let drainFlag = Atomic<Bool>(false)

    // Set up by `prepare()`.
    var checkpoint: CheckpointLog?
    var sinks: SinkSet?
    private var lock: DataDirectoryFlock?
    var tracker: WatermarkTracker
    var summary: Job.Summary
    var next: [SourcePartition: Int64] = [:]
    var nextBatchId: Int64 = 0
    var watermarkToApply = Int64.min
    var lastAppliedWatermark = Int64.min
    private var pendingReplay: OffsetEntry?
    /// When the first open part is due to roll, as of the last commit.
    var nextRollMicros: Int64?
    var latency = LatencyHistogram()
    let metrics: StreamMetrics

    /// Batches run since start and the rows they read (for the CLI's summary).
    public internal(set) var batchesRun = 0
    public internal(set) var rowsRead = 0

    public init(
        job: Job, source: any StreamSource, configuration: EngineConfiguration, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }
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
            job: job, progressReports: configuration.progressReports, recentLimit: configuration.liveResults)
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

    /// Runs until `requestStop()` (or, with `once`, until everything available is processed). As a
    /// `Service` in a `ServiceGroup`, a graceful shutdown (SIGTERM, SIGINT) stops it after the current
    /// batch (or drains what the source holds then, with `drainOnShutdown`), then a last batch rolls
    /// every open part.
    public func run() async throws(StreamError) {
        do {
            let drain = configuration.drainOnShutdown
            try await withGracefulShutdownHandler {
                try await self.runUntilStopped()
            } onGracefulShutdown: {
                if drain { self.requestDrain() } else { self.requestStop() }
            }
        } catch let error as StreamError {
            throw error
        } catch {
            throw .source("\(error)")
        }
    }

    private func runUntilStopped() async throws(StreamError) {
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
                // Toward a target (--once, as Spark's availableNow, or draining at shutdown) batches run
                // back to back while there is data: the trigger paces a live stream, not a backlog.
                let backToBack = target != nil && rows > 0
                if configuration.trigger > .zero && !backToBack {
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
                do throws(StreamError) { try await self.commitPausingWhileFull(batch) } catch {
                    self.failed(error)
                    throw error
                }
            }, batch: batch.id, rows: batch.inputRows)
    }

    /// The newest batch committed since start.
    var lastCommittedBatch = Int64.min
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
        try await commitPausingWhileFull(last)
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

    private var lagCache: (at: ContinuousClock.Instant, records: Int64?)?

    /// Records the source holds that the stream has not read yet: its end offsets now less the
    /// positions of the batches computed so far (nil when the source cannot say). Asks the source at
    /// most once a second.
    public func consumerLag() async -> Int64? {
        let now = ContinuousClock.now
        if let lagCache, now - lagCache.at < .seconds(1) { return lagCache.records }
        var records: Int64?
        if let latest = try? await source.latest() {
            records = latest.reduce(Int64(0)) { total, entry in
                total + max(0, entry.value - (next[entry.key] ?? entry.value))
            }
        }
        lagCache = (now, records)
        return records
    }

    var onProgress: (@Sendable (StreamingProgress) -> Void)?

    /// Called with each batch's report (the CLI prints them with `--progress`).
    public func setProgressHandler(_ handler: @escaping @Sendable (StreamingProgress) -> Void) {
        onProgress = handler
    }

    /// Runs blocking file work on the I/O thread, off Swift's cooperative pool.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(StreamError) -> T)
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
