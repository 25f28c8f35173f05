import Kafka
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The steps of a segment swap, where tests make the cleaner fail (`PartitionLog.cleanerFailsAt`).
package enum CleanerStep: String, Sendable, CaseIterable {
    /// `<base>.log.cleaned` is written and synced.
    case cleanedWritten
    /// It was renamed to `<base>.log.swap` and the directory synced.
    case swapReady
    /// The old segment's index files are removed.
    case indexesRemoved
    /// `<base>.log.swap` replaced `<base>.log`.
    case swapped
}

/// What one pass of the cleaner did to a partition log.
package struct CleanerResult: Sendable, Equatable {
    /// Base offsets of the segments rewritten.
    package var cleanedSegments: [Int64] = []
    /// Records removed: older values of a key, expired tombstones, records without a key.
    package var removedRecords = 0
    /// Bytes the rewritten segments lost.
    package var reclaimedBytes = 0
}

extension PartitionLog {
    /// The suffix of a segment being rewritten by the cleaner; recovery deletes it.
    static let cleanedSuffix = ".log.cleaned"
    /// The suffix of a rewritten segment ready to replace its `.log`; recovery finishes the swap.
    static let swapSuffix = ".log.swap"

    /// Compacts the closed segments (never the active one) of a log whose topic has
    /// `cleanup.policy=compact`: every record keeps its offset, and only the newest record of each key
    /// stays, a tombstone (null value) only while its batch is younger than `delete.retention.ms`.
    /// Segments whose newest timestamp is younger than `min.compaction.lag.ms` wait; a pass runs when
    /// the bytes written since the last one make `min.cleanable.dirty.ratio` of the closed segments, or
    /// when the oldest of those bytes waited `max.compaction.lag.ms`.
    ///
    /// A batch keeps its base offset, last offset and timestamps whatever records it loses, so
    /// offsets stay dense between batches (a batch may end up empty). Each segment is rewritten into
    /// `<base>.log.cleaned`, synced, renamed to `<base>.log.swap` (from then on recovery completes the
    /// swap), then renamed over `<base>.log` with its indexes rebuilt: a crash at any moment leaves
    /// either the old segment or the new one whole. `now` is the wall-clock time in milliseconds.
    package func clean(now: Int64) throws(LogError) -> CleanerResult {
        try checkUsable()
        guard configuration.compacts else { return CleanerResult() }
        // The closed segments old enough to compact, oldest first, up to the first one too young.
        let lag = configuration.minCompactionLagMilliseconds
        let cleanable = segments.dropLast().prefix { segment in
            let age = now.subtractingReportingOverflow(segment.maxTimestamp)
            return segment.maxTimestamp < 0 || age.overflow || age.partialValue >= lag
        }
        let total = cleanable.reduce(0) { $0 + $1.size }
        let dirtySegments = cleanable.filter { $0.nextOffset > firstDirtyOffset }
        let dirty = dirtySegments.reduce(0) { $0 + $1.size }
        guard total > 0, dirty > 0 else { return CleanerResult() }
        do {
            // max.compaction.lag.ms: a dirty segment whose first record waited that long is compacted now,
            // whatever the ratio (Kafka measures from the earliest timestamp of the dirty segments).
            var overdue = false
            if configuration.maxCompactionLagMilliseconds < Int64.max, let oldest = dirtySegments.first {
                let waited = try oldest.timeWaitedForRoll(incomingTimestamp: now, now: now) ?? 0
                overdue = waited >= configuration.maxCompactionLagMilliseconds
            }
            guard overdue || Double(dirty) / Double(total) >= configuration.minCleanableDirtyRatio else {
                return CleanerResult()
            }
            let newest = try newestOffsets(of: Array(cleanable))
            var result = CleanerResult()
            for segment in Array(cleanable) {
                try rewrite(segment, keeping: newest, now: now, into: &result)
            }
            firstDirtyOffset = cleanable.last?.nextOffset ?? firstDirtyOffset
            if !result.cleanedSegments.isEmpty {
                logger.info(
                    "cleaner compacted segments",
                    metadata: [
                        "segments": "\(result.cleanedSegments)", "removed_records": "\(result.removedRecords)",
                        "reclaimed_bytes": "\(result.reclaimedBytes)",
                    ])
            }
            return result
        } catch {
            throw stop(error)
        }
    }

    /// The offset of the newest record of each key in `segments`.
    private func newestOffsets(of segments: [LogSegment]) throws(LogError) -> [ByteBuffer: Int64] {
        var newest: [ByteBuffer: Int64] = [:]
        for segment in segments {
            for batch in try Self.batches(of: segment) {
                guard let records = try? batch.records() else { continue }
                for record in records {
                    guard let key = record.key else { continue }
                    newest[key] = batch.header.baseOffset + Int64(record.offsetDelta)
                }
            }
        }
        return newest
    }

    /// The batches of a closed segment, CRC checked (by `RecordBatch`); empty when the segment does
    /// not read whole (a batch rotted on disk: the cleaner leaves such a segment as it is). Each
    /// cleanable segment is read twice per pass, for the key map and for the rewrite, so that memory
    /// holds one segment at a time, as in Kafka's cleaner.
    private static func batches(of segment: LogSegment) throws(LogError) -> [RecordBatch] {
        guard segment.size > 0 else { return [] }
        var bytes = try segment.read(at: 0, maxBytes: segment.size, verifyChecksums: false)
        guard bytes.readableBytes == segment.size else { return [] }
        var batches: [RecordBatch] = []
        while bytes.readableBytes > 0 {
            guard let header = BatchHeader(parsing: bytes, at: bytes.readerIndex),
                let slice = bytes.readSlice(length: header.totalSize),
                let batch = try? RecordBatch(validating: slice)
            else { return [] }
            batches.append(batch)
        }
        return batches
    }

    /// Rewrites `segment` with only the records `newest` names (and live tombstones), then swaps it
    /// in; leaves it alone when it would lose nothing.
    private func rewrite(
        _ segment: LogSegment, keeping newest: [ByteBuffer: Int64], now: Int64, into result: inout CleanerResult
    ) throws(LogError) {
        let batches = try Self.batches(of: segment)
        var output = ByteBuffer()
        var removed = 0
        for batch in batches {
            guard let records = try? batch.records() else {
                output.writeImmutableBuffer(batch.bytes)  // records that do not decode are kept as they are
                continue
            }
            let tombstonesExpired =
                now.subtractingReportingOverflow(batch.header.maxTimestamp).partialValue
                > configuration.deleteRetentionMilliseconds
            let kept = records.filter { record in
                guard let key = record.key,
                    newest[key] == batch.header.baseOffset + Int64(record.offsetDelta)
                else { return false }
                return record.value != nil || !tombstonesExpired
            }
            // A batch that loses nothing, or cannot be re-encoded (codec), is kept whole.
            guard kept.count < records.count,
                let rebuilt = try? RecordBatch(building: kept, header: batch.header, keepingSpan: true)
            else {
                output.writeImmutableBuffer(batch.bytes)
                continue
            }
            output.writeImmutableBuffer(rebuilt.bytes)
            removed += records.count - kept.count
        }
        guard removed > 0, let index = segments.firstIndex(where: { $0 === segment }) else { return }
        let base = segment.baseOffset
        let cleanedPath = directory + "/" + LogSegment.fileName(baseOffset: base, suffix: Self.cleanedSuffix)
        let swapPath = directory + "/" + LogSegment.fileName(baseOffset: base, suffix: Self.swapSuffix)
        let cleaned = try BlockingFile.open(cleanedPath, create: true, truncate: true, faults: faults)
        defer { cleaned.close() }
        do {
            try cleaned.write(output, at: 0)
            try cleaned.sync()
        } catch {
            try? BlockingFile.remove(cleanedPath)
            throw error
        }
        try failIfAsked(at: .cleanedWritten)
        try BlockingFile.rename(cleanedPath, to: swapPath)
        try BlockingFile.syncDirectory(directory, faults: faults)
        try failIfAsked(at: .swapReady)
        segment.close()
        try Self.completeSwap(directory: directory, baseOffset: base, faults: faults) { step throws(LogError) in
            try failIfAsked(at: step)
        }
        try failIfAsked(at: .swapped)
        let replacement = try openSegment(baseOffset: base, fresh: false)
        _ = try replacement.recover(validatingChecksums: false)
        try replacement.completeTimeIndex()
        try replacement.sync()
        segments[index] = replacement
        result.cleanedSegments.append(base)
        result.removedRecords += removed
        let reclaimed = segment.size - output.readableBytes
        result.reclaimedBytes += reclaimed
        metrics.cleanerReclaimedBytes.increment(by: reclaimed)
    }

    /// Puts `<base>.log.swap` in the place of `<base>.log`: the old indexes go first (rebuilt from the
    /// new file), then the rename replaces the log file atomically, then the directory is synced.
    static func completeSwap(
        directory: String, baseOffset: Int64, faults: IOFaultInjector?,
        after: (CleanerStep) throws(LogError) -> Void = { _ in }
    ) throws(LogError) {
        func path(_ suffix: String) -> String {
            directory + "/" + LogSegment.fileName(baseOffset: baseOffset, suffix: suffix)
        }
        try BlockingFile.remove(path(LogSegment.indexSuffix))
        try BlockingFile.remove(path(LogSegment.timeIndexSuffix))
        try after(.indexesRemoved)
        try BlockingFile.rename(path(swapSuffix), to: path(LogSegment.logSuffix))
        try BlockingFile.syncDirectory(directory, faults: faults)
    }

    /// Fails the pass at `step` when a test asked for it (`cleanerFailsAt`), as an I/O error there
    /// would: the log stops, the files stay as they are, and reopening recovers.
    private func failIfAsked(at step: CleanerStep) throws(LogError) {
        guard cleanerFailsAt == step else { return }
        throw .io(IOFailure(operation: "cleaner \(step.rawValue)", path: directory, errno: EIO))
    }
}
