import NIOCore

/// What recovering one segment found.
struct SegmentRecovery: Equatable {
    /// Bytes of valid batches kept.
    var validBytes: Int
    /// Bytes cut from the end of the file (a torn or corrupt tail), 0 when the file was whole.
    var droppedBytes: Int
    /// Why the bytes after `validBytes` were dropped, nil when none were.
    var defect: BatchDefect?
}

extension LogSegment {
    /// Loads the index files of a segment written before the last clean point, checking that they fit it:
    /// both files present, whole entries, increasing, inside the file, the last offset entry pointing at a batch
    /// with that offset. Walks the batches after the last offset entry to learn the end, checking their CRC
    /// with `validatingTail`. Returns false when anything does not fit; the caller then recovers the segment.
    func loadIndexes(validatingTail: Bool) throws(LogError) -> Bool {
        let fileSize = try log.size()
        guard indexFilesExisted,
            let offsetEntries = try IndexFile<OffsetIndex.Entry>.readEntries(of: offsetIndex.storage.file),
            OffsetIndex.isPlausible(offsetEntries, segmentSize: fileSize),
            let timeEntries = try IndexFile<TimeIndex.Entry>.readEntries(of: timeIndex.storage.file),
            TimeIndex.isPlausible(timeEntries)
        else { return false }
        offsetIndex.storage.load(offsetEntries)
        timeIndex.storage.load(timeEntries)
        let start = offsetIndex.lookup(offset: Int64.max)
        let scan = try rescan(
            from: start.position, expectedOffset: start.offset, validates: validatingTail, rebuildIndexes: false)
        guard scan.defect == nil else { return false }
        if let lastTime = timeEntries.last {
            guard baseOffset + Int64(lastTime.relativeOffset) < nextOffset else { return false }
            restoreMaxTimestamp(atLeast: lastTime.timestamp)
        }
        return true
    }

    /// Checks every batch (length, magic, contiguous offsets from the base, and the CRC-32C with
    /// `validatingChecksums`), cuts the file before the first that fails, and rebuilds both indexes from the
    /// batches kept.
    func recover(validatingChecksums: Bool = true) throws(LogError) -> SegmentRecovery {
        let fileSize = try log.size()
        let scan = try rescan(
            from: 0, expectedOffset: baseOffset, validates: validatingChecksums, rebuildIndexes: true)
        guard scan.defect != nil || scan.end < fileSize else {
            return SegmentRecovery(validBytes: scan.end, droppedBytes: 0, defect: nil)
        }
        try log.truncate(to: scan.end)
        markDirty()
        return SegmentRecovery(validBytes: scan.end, droppedBytes: fileSize - scan.end, defect: scan.defect)
    }

    /// Cuts the segment before the batch at `position` and rebuilds its indexes and counters from what is left.
    func truncate(toPosition position: Int) throws(LogError) {
        try log.truncate(to: position)
        markDirty()
        let scan = try rescan(from: 0, expectedOffset: baseOffset, validates: false, rebuildIndexes: true)
        if let defect = scan.defect { throw .corruptData(path: log.path, position: scan.end, defect: defect) }
    }
}
