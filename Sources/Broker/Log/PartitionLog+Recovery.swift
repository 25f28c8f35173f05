import Logging
import NIOCore

extension PartitionLog {
    /// Loads the segments from disk and recovers them (see `open`). Segments wholly below the checkpoint's
    /// recovery point keep their indexes when those fit, else rebuild them; the others (always the last one,
    /// unless the log was closed cleanly) are validated batch by batch, CRC included, and their indexes rebuilt.
    /// A torn or corrupt batch ends the log: it and everything after it are dropped, and the drop is logged.
    func load() throws(LogError) {
        try BlockingFile.createDirectory(directory)
        let checkpointPath = directory + "/" + RecoveryCheckpoint.fileName
        var checkpoint: RecoveryCheckpoint?
        if let bytes = try AtomicFile.read(checkpointPath) {
            checkpoint = RecoveryCheckpoint(decoding: bytes)
            if checkpoint == nil { logger.warning("unreadable recovery checkpoint; validating every segment") }
        }
        let baseOffsets = try segmentFiles()
        var recovered: [Int64] = []
        var deletedAny = false
        if baseOffsets.isEmpty {
            let start = checkpoint.map { max($0.logStartOffset, $0.recoveryPoint) } ?? 0
            segments = [try openSegment(baseOffset: start, fresh: true)]
            try BlockingFile.syncDirectory(directory, faults: faults)
        } else {
            for (index, baseOffset) in baseOffsets.enumerated() {
                let segment = try openSegment(baseOffset: baseOffset, fresh: false)
                let isLast = index == baseOffsets.count - 1
                let next = isLast ? nil : baseOffsets[index + 1]
                var trusted = false
                if let checkpoint {
                    trusted = checkpoint.cleanShutdown || (next.map { $0 <= checkpoint.recoveryPoint } ?? false)
                }
                if trusted {
                    if try segment.loadIndexes(validatingTail: isLast), next.map({ $0 == segment.nextOffset }) ?? true {
                        segments.append(segment)
                        continue
                    }
                    logger.warning(
                        "index files missing or malformed; rebuilding them", metadata: ["segment": "\(baseOffset)"])
                }
                // Below the clean point a bad CRC is rot, not a torn write: such a batch is refused when read, and
                // cutting there would throw away every later segment. Only the log's structure is checked there.
                let result = try segment.recover(validatingChecksums: !trusted || isLast)
                segments.append(segment)
                recovered.append(baseOffset)
                if result.droppedBytes > 0 || (next.map { $0 != segment.nextOffset } ?? false) {
                    logDrop(segment: segment, result: result)
                    let later = Array(baseOffsets[(index + 1)...])
                    try deleteSegmentFiles(later)
                    deletedAny = deletedAny || !later.isEmpty
                    break
                }
            }
            for segment in segments where recovered.contains(segment.baseOffset) { try segment.sync() }
            if deletedAny || !recovered.isEmpty { try BlockingFile.syncDirectory(directory, faults: faults) }
        }
        let firstBase = segments.first?.baseOffset ?? 0
        logStartOffset = min(max(checkpoint?.logStartOffset ?? firstBase, firstBase), logEndOffset)
        recoveryPoint = logEndOffset
        // Rewriting the checkpoint without the clean mark is what makes a later crash recover the last segment.
        try writeCheckpoint(cleanShutdown: false)
        startFlushTimer()
        logger.info(
            "opened partition log",
            metadata: [
                "log.start_offset": "\(logStartOffset)", "log.end_offset": "\(logEndOffset)",
                "log.segments": "\(segments.count)", "log.recovered_segments": "\(recovered)",
                "log.clean_shutdown": "\(checkpoint?.cleanShutdown ?? false)",
            ])
    }

    /// Logs exactly what recovery cut: the offsets and bytes dropped from `segment` and the later segments.
    private func logDrop(segment: LogSegment, result: SegmentRecovery) {
        metrics.recoveryDroppedBytes.increment(by: result.droppedBytes)
        logger.error(
            "recovery dropped a torn or corrupt log tail",
            metadata: [
                "segment": "\(segment.baseOffset)",
                "kept_through_offset": "\(segment.nextOffset - 1)",
                "dropped_from_offset": "\(segment.nextOffset)",
                "dropped_from_position": "\(result.validBytes)",
                "dropped_bytes": "\(result.droppedBytes)",
                "defect": "\(result.defect.map { "\($0)" } ?? "gap before the next segment")",
            ])
    }

    /// Deletes the files of the segments at `baseOffsets`, which follow a cut, logging each.
    private func deleteSegmentFiles(_ baseOffsets: [Int64]) throws(LogError) {
        for baseOffset in baseOffsets {
            let segment = try openSegment(baseOffset: baseOffset, fresh: false)
            logger.error(
                "recovery deleted a segment after the cut",
                metadata: ["segment": "\(baseOffset)", "dropped_bytes": "\(segment.size)"])
            metrics.recoveryDroppedBytes.increment(by: segment.size)
            try segment.delete()
        }
    }

    /// The base offsets of the segment files in the directory, sorted; removes leftovers of interrupted writes
    /// (`*.tmp`, a cleaner's `*.log.cleaned`) and index files with no log file, and finishes a cleaner's
    /// swap that was ready (`*.log.swap` replaces its `.log`).
    private func segmentFiles() throws(LogError) -> [Int64] {
        var names = try BlockingFile.contents(ofDirectory: directory)
        var changed = false
        for name in names where name.hasSuffix(Self.cleanedSuffix) {
            logger.warning("removing an unfinished cleaner rewrite", metadata: ["file": "\(name)"])
            try BlockingFile.remove(directory + "/" + name)
            changed = true
        }
        for name in names where name.hasSuffix(Self.swapSuffix) {
            guard let base = Self.baseOffset(fileName: name, suffix: Self.swapSuffix) else { continue }
            logger.notice("finishing a cleaner's segment swap", metadata: ["file": "\(name)"])
            try Self.completeSwap(directory: directory, baseOffset: base, faults: faults)
            changed = true
        }
        if changed { names = try BlockingFile.contents(ofDirectory: directory) }
        var logs: Set<Int64> = []
        for name in names where name.hasSuffix(LogSegment.logSuffix) {
            if let base = Self.baseOffset(fileName: name, suffix: LogSegment.logSuffix) { logs.insert(base) }
        }
        for name in names {
            let orphanIndex = [LogSegment.indexSuffix, LogSegment.timeIndexSuffix].contains { suffix in
                name.hasSuffix(suffix)
                    && Self.baseOffset(fileName: name, suffix: suffix).map { !logs.contains($0) } == true
            }
            if name.hasSuffix(".tmp") || orphanIndex {
                logger.warning("removing leftover file", metadata: ["file": "\(name)"])
                try BlockingFile.remove(directory + "/" + name)
            }
        }
        return logs.sorted()
    }

    /// The base offset in a segment file name: 20 digits then `suffix`.
    static func baseOffset(fileName: String, suffix: String) -> Int64? {
        let stem = fileName.dropLast(suffix.count)
        guard stem.count == 20, stem.allSatisfy(\.isASCII), let value = Int64(stem), value >= 0 else { return nil }
        return value
    }

    func openSegment(baseOffset: Int64, fresh: Bool) throws(LogError) -> LogSegment {
        try LogSegment.open(
            directory: directory, baseOffset: baseOffset, indexIntervalBytes: configuration.indexIntervalBytes,
            fresh: fresh, faults: faults)
    }

    // MARK: Rolling

    /// Starts a new segment when the active one is not empty and the append would make it larger than
    /// `segmentBytes`, it has waited `segmentMilliseconds` to roll (see `LogSegment.timeWaitedForRoll`), or
    /// relative offsets would overflow.
    func rollIfNeeded(incomingBytes: Int, incomingTimestamp: Int64, lastOffset: Int64, now: Int64) throws(LogError) {
        guard let active = activeSegment, active.size > 0 else { return }
        var reason: String?
        if active.size + incomingBytes > configuration.segmentBytes {
            reason = "size"
        } else if lastOffset - active.baseOffset > Int64(UInt32.max) {
            reason = "offset range"
        } else if let waited = try active.timeWaitedForRoll(incomingTimestamp: incomingTimestamp, now: now),
            waited >= configuration.segmentMilliseconds
        {
            reason = "age"
        }
        guard let reason else { return }
        try roll(reason: reason)
    }

    /// Closes the active segment for appends (completing its time index and syncing it) and starts a new one
    /// at the log end.
    func roll(reason: String) throws(LogError) {
        guard let active = activeSegment else { return }
        try active.completeTimeIndex()
        try timedSync { () throws(LogError) in try active.sync() }
        let segment = try openSegment(baseOffset: active.nextOffset, fresh: true)
        try BlockingFile.syncDirectory(directory, faults: faults)
        segments.append(segment)
        recoveryPoint = logEndOffset
        try writeCheckpoint(cleanShutdown: false)
        logger.info(
            "rolled segment",
            metadata: ["segment": "\(segment.baseOffset)", "reason": "\(reason)", "previous_bytes": "\(active.size)"])
    }
}
