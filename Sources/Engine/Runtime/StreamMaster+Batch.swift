import Foundation
import Logging
import Metrics
import NIOPosix
import Storage

/// One batch: computing it (read, map, reduce, close windows; no side effect) and committing it
/// (`offsets/N`, dead letters, tables through their Delta logs, `state/N`, `commits/N`, progress).
extension StreamMaster {
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
    func compute(
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

    /// Makes a computed batch durable: `offsets/N`, dead letters, tables (each through its Delta log),
    /// `state/N`, `commits/N`; then reports its progress.
    func commit(_ batch: ComputedBatch?) async throws(StreamError) {
        guard let batch, let checkpoint, let sinks else { return }
        #if DEBUG
            if let beforeCommit = configuration.beforeCommit { await beforeCommit(batch.id) }
        #endif
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
    struct CommitPhases: Sendable {
        var wal: Double
        var sink: Double
        var commit: Double
        var stateBytes: Int
        var sinks: [StreamingProgress.Sink]
        var nextRollMicros: Int64?
    }

    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let (seconds, attoseconds) = (end - start).components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
