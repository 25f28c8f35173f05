import Logging

extension PartitionLog {
    /// Deletes the oldest closed segments that retention allows: older than `retentionMilliseconds` by their
    /// newest timestamp, beyond `retentionBytes`, or wholly below the log start; stops at the first segment
    /// kept. The active segment is never deleted. Moves the log start to the first remaining segment.
    /// Without `deletesOldSegments` (`cleanup.policy=compact`) only segments below the log start go.
    /// `now` is the wall-clock time in milliseconds since the epoch.
    package func enforceRetention(now: Int64) throws(LogError) -> RetentionResult {
        try checkUsable()
        do {
            var remainingBytes = sizeInBytes
            var count = 0
            for segment in segments.dropLast() {
                var expired = false
                if configuration.deletesOldSegments, let retention = configuration.retentionMilliseconds {
                    // Timestamps come from producers: an age that does not fit in 64 bits is simply old.
                    let stamp = try segment.retentionTimestamp()
                    let age = now.subtractingReportingOverflow(stamp)
                    expired = age.overflow ? stamp < now : age.partialValue > retention
                }
                let oversized =
                    configuration.deletesOldSegments
                    && (configuration.retentionBytes.map { remainingBytes - segment.size >= $0 } ?? false)
                let belowStart = segment.nextOffset <= logStartOffset
                guard expired || oversized || belowStart else { break }
                remainingBytes -= segment.size
                count += 1
            }
            let deleted = Array(segments.prefix(count))
            guard !deleted.isEmpty else {
                return RetentionResult(deletedSegments: [], deletedBytes: 0, logStartOffset: logStartOffset)
            }
            try removeSegments(count: count)
            let result = RetentionResult(
                deletedSegments: deleted.map(\.baseOffset), deletedBytes: deleted.reduce(0) { $0 + $1.size },
                logStartOffset: logStartOffset)
            metrics.retentionDeletedBytes.increment(by: result.deletedBytes)
            logger.info(
                "retention deleted segments",
                metadata: [
                    "segments": "\(result.deletedSegments)", "bytes": "\(result.deletedBytes)",
                    "log.start_offset": "\(logStartOffset)",
                ])
            return result
        } catch {
            throw stop(error)
        }
    }

    /// DeleteRecords: moves the log start to `offset` (at most the high watermark) and deletes the segments
    /// wholly below it. Returns the new log start (unchanged when `offset` is not above it).
    package func deleteRecords(before offset: Int64) throws(LogError) -> Int64 {
        try checkUsable()
        guard offset >= 0, offset <= highWatermark else {
            throw .offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: logEndOffset)
        }
        guard offset > logStartOffset else { return logStartOffset }
        do {
            logStartOffset = offset
            let count = segments.dropLast().prefix { $0.nextOffset <= offset }.count
            if count > 0 { try removeSegments(count: count) }
            try writeCheckpoint(cleanShutdown: false)
        } catch {
            throw stop(error)
        }
        logger.info("deleted records", metadata: ["log.start_offset": "\(logStartOffset)"])
        return logStartOffset
    }

    /// Removes every batch from the one holding `offset` on (a batch is never split), deleting later segments.
    /// Returns the new log end, which is at most `offset`.
    package func truncate(to offset: Int64) throws(LogError) -> Int64 {
        try checkUsable()
        guard offset >= logStartOffset else {
            throw .offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: logEndOffset)
        }
        guard offset < logEndOffset, let index = segmentIndex(containing: offset) else { return logEndOffset }
        let previousEnd = logEndOffset
        do {
            let segment = segments[index]
            guard let position = try segment.position(of: offset) else { return logEndOffset }
            for later in segments[(index + 1)...] { try later.delete() }
            segments.removeSubrange((index + 1)...)
            try segment.truncate(toPosition: position)
            try segment.sync()
            try BlockingFile.syncDirectory(directory, faults: faults)
            recoveryPoint = min(recoveryPoint, logEndOffset)
            truncations += 1
            logStartOffset = min(logStartOffset, logEndOffset)
            try writeCheckpoint(cleanShutdown: false)
        } catch {
            throw stop(error)
        }
        logger.notice(
            "truncated partition log",
            metadata: ["log.end_offset": "\(logEndOffset)", "previous_end_offset": "\(previousEnd)"])
        return logEndOffset
    }

    /// Deletes the first `count` segments (never the active one) and moves the log start past them.
    private func removeSegments(count: Int) throws(LogError) {
        let removable = min(count, segments.count - 1)
        guard removable > 0 else { return }
        for segment in segments.prefix(removable) { try segment.delete() }
        segments.removeFirst(removable)
        try BlockingFile.syncDirectory(directory, faults: faults)
        if let first = segments.first { logStartOffset = max(logStartOffset, first.baseOffset) }
        recoveryPoint = max(recoveryPoint, logStartOffset)
        try writeCheckpoint(cleanShutdown: false)
    }
}
