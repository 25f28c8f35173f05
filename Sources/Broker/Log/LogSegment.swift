import Kafka
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One segment of a partition log: `<baseOffset>.log` holding batches verbatim, back to back, with its sparse
/// `.index` (offset → position) and `.timeindex` (timestamp → offset). Only the last segment of a log is
/// appended to. Confined to its `PartitionLog`; every call does blocking I/O.
final class LogSegment {
    /// The offset of the segment's first batch, also its file name.
    let baseOffset: Int64
    let log: BlockingFile
    let offsetIndex: OffsetIndex
    let timeIndex: TimeIndex
    private let indexIntervalBytes: Int
    /// Bytes of batches in the log file.
    private(set) var size = 0
    /// The offset after the segment's last batch (its base offset when it is empty).
    private(set) var nextOffset: Int64
    /// The newest maxTimestamp of its batches, -1 when none has one.
    private(set) var maxTimestamp: Int64 = -1
    /// The baseOffset of the last batch, nil when the segment is empty.
    private(set) var lastBatchOffset: Int64?
    /// What its age is measured from (see `timeWaitedForRoll`), once known.
    private var rollBase: RollBase?
    private var bytesSinceIndexEntry = 0
    /// Whether appended bytes are not yet synced.
    private(set) var isDirty = false
    /// The bytes whose batches were checked in this process: appended after validation, or read and
    /// checked by `slice` (or by recovery).
    private(set) var verified = VerifiedRanges()
    /// Whether both index files were there when the segment was opened.
    private(set) var indexFilesExisted = true

    /// The file name of a segment's file: the base offset in 20 digits, then `.log`, `.index` or `.timeindex`.
    static func fileName(baseOffset: Int64, suffix: String) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    static let logSuffix = ".log"
    static let indexSuffix = ".index"
    static let timeIndexSuffix = ".timeindex"

    private init(
        baseOffset: Int64, log: BlockingFile, offsetIndex: OffsetIndex, timeIndex: TimeIndex,
        indexIntervalBytes: Int
    ) {
        self.baseOffset = baseOffset
        self.log = log
        self.offsetIndex = offsetIndex
        self.timeIndex = timeIndex
        self.indexIntervalBytes = indexIntervalBytes
        self.nextOffset = baseOffset
    }

    /// Opens the segment's files in `directory`, creating missing ones (empty, or emptied with `fresh`).
    /// The index files are opened with no entries loaded: call `loadIndexes(validatingTail:)` or `recover(validatingChecksums:)`.
    static func open(
        directory: String, baseOffset: Int64, indexIntervalBytes: Int, fresh: Bool, faults: IOFaultInjector?
    ) throws(LogError) -> LogSegment {
        func path(_ suffix: String) -> String { directory + "/" + fileName(baseOffset: baseOffset, suffix: suffix) }
        let indexFilesExisted = BlockingFile.exists(path(indexSuffix)) && BlockingFile.exists(path(timeIndexSuffix))
        let log = try BlockingFile.open(path(logSuffix), create: true, truncate: fresh, faults: faults)
        let index = try BlockingFile.open(path(indexSuffix), create: true, truncate: fresh, faults: faults)
        let timeIndex = try BlockingFile.open(path(timeIndexSuffix), create: true, truncate: fresh, faults: faults)
        let segment = LogSegment(
            baseOffset: baseOffset, log: log,
            offsetIndex: OffsetIndex(baseOffset: baseOffset, storage: IndexFile(file: index, entries: [])),
            timeIndex: TimeIndex(baseOffset: baseOffset, storage: IndexFile(file: timeIndex, entries: [])),
            indexIntervalBytes: indexIntervalBytes)
        segment.size = try log.size()
        segment.indexFilesExisted = indexFilesExisted
        return segment
    }

    // MARK: Appending

    /// Writes `payload` (the batches of `headers`, back to back, offsets already assigned) at the end of the
    /// segment and indexes them. `now` is the append's wall-clock time in milliseconds.
    ///
    /// When the file system is full (`ENOSPC`, or `EDQUOT` past a quota) the append is undone, files and
    /// counters back to where they were, and `LogError.noSpace` is thrown: nothing of it is ever visible,
    /// and a later append can succeed once space returns.
    func append(payload: ByteBuffer, headers: [BatchHeader], now: Int64) throws(LogError) {
        let counters = (maxTimestamp, lastBatchOffset, nextOffset, bytesSinceIndexEntry, rollBase)
        let indexEntries = (offset: offsetIndex.storage.entries.count, time: timeIndex.storage.entries.count)
        do {
            try appendUnlessFull(payload: payload, headers: headers, now: now)
        } catch {
            guard case .io(let failure) = error, failure.errno == ENOSPC || failure.errno == EDQUOT else { throw error }
            (maxTimestamp, lastBatchOffset, nextOffset, bytesSinceIndexEntry, rollBase) = counters
            // Shrinking needs no space; a cut that still fails leaves bytes past `size`, which the next append
            // overwrites and recovery drops (they are never read: reads stop at the log end).
            try? log.truncate(to: size)
            try? offsetIndex.storage.truncate(keeping: indexEntries.offset)
            try? timeIndex.storage.truncate(keeping: indexEntries.time)
            throw .noSpace(failure)
        }
    }

    private func appendUnlessFull(payload: ByteBuffer, headers: [BatchHeader], now: Int64) throws(LogError) {
        try log.write(payload, at: size)
        if size == 0, let first = headers.first {
            rollBase = first.maxTimestamp >= 0 ? .firstTimestamp(first.maxTimestamp) : .appendTime(now)
        }
        isDirty = true
        var position = size
        for header in headers {
            let (offsetEntry, timeEntry) = account(header: header, position: position, lastTime: timeIndex.entries.last)
            if let offsetEntry { try offsetIndex.storage.append(offsetEntry) }
            if let timeEntry { try timeIndex.storage.append(timeEntry) }
            position += header.totalSize
        }
        verified.insert(size..<position)
        size = position
    }

    /// Updates the counters for the batch at `position`; returns the index entries it earns.
    private func account(header: BatchHeader, position: Int, lastTime: TimeIndex.Entry?)
        -> (OffsetIndex.Entry?, TimeIndex.Entry?)
    {
        maxTimestamp = max(maxTimestamp, header.maxTimestamp)
        lastBatchOffset = header.baseOffset
        nextOffset = header.nextOffset
        var offsetEntry: OffsetIndex.Entry?
        var timeEntry: TimeIndex.Entry?
        let relative = UInt32(header.baseOffset - baseOffset)
        if bytesSinceIndexEntry >= indexIntervalBytes {
            offsetEntry = OffsetIndex.Entry(relativeOffset: relative, position: UInt32(position))
            bytesSinceIndexEntry = 0
            if maxTimestamp >= 0, maxTimestamp > (lastTime?.timestamp ?? -1) {
                timeEntry = TimeIndex.Entry(timestamp: maxTimestamp, relativeOffset: relative)
            }
        }
        bytesSinceIndexEntry += header.totalSize
        return (offsetEntry, timeEntry)
    }

    /// Adds a time index entry for the newest timestamp, so the index's last entry is the segment's maximum.
    func completeTimeIndex() throws(LogError) {
        guard maxTimestamp >= 0, let lastBatchOffset else { return }
        try timeIndex.maybeAppend(timestamp: maxTimestamp, offset: lastBatchOffset)
    }

    /// Makes the log file durable (not the indexes: recovery rebuilds those of a segment not closed cleanly).
    func syncLog() throws(LogError) {
        guard isDirty else { return }
        try log.sync()
        isDirty = false
    }

    /// Descriptors of the files changed since their last sync, for a sync on another thread
    /// (`PartitionLog.periodicFlush`); from now on they count as synced.
    func descriptorsForBackgroundSync() throws(LogError) -> [BackgroundSync] {
        var descriptors: [BackgroundSync] = []
        do {
            if isDirty {
                descriptors.append(BackgroundSync(descriptor: try log.duplicateDescriptor(), path: log.path))
                isDirty = false
            }
            if let index = try offsetIndex.storage.descriptorForBackgroundSync() { descriptors.append(index) }
            if let index = try timeIndex.storage.descriptorForBackgroundSync() { descriptors.append(index) }
        } catch {
            for sync in descriptors { BlockingFile.closeDuplicate(sync.descriptor) }
            throw error
        }
        return descriptors
    }

    /// Makes the log file and the indexes durable.
    func sync() throws(LogError) {
        if isDirty {
            try log.sync()
            isDirty = false
        }
        try offsetIndex.storage.sync()
        try timeIndex.storage.sync()
    }

    /// How long the segment has waited to roll, as Kafka measures it: from its first batch's maxTimestamp to
    /// `incomingTimestamp` (the newest timestamp of the batches about to be appended) when the first batch has
    /// one, so a log of old records replayed today does not roll at every append; else from its first append
    /// (the file's modification time after a restart) to `now`. Nil when the segment is empty.
    func timeWaitedForRoll(incomingTimestamp: Int64, now: Int64) throws(LogError) -> Int64? {
        guard size > 0 else { return nil }
        if rollBase == nil {
            let first = try log.read(count: BatchHeader.size, at: 0)
            let timestamp = BatchHeader(parsing: first, at: 0)?.maxTimestamp ?? -1
            rollBase = timestamp >= 0 ? .firstTimestamp(timestamp) : .appendTime(try log.modificationTimeMilliseconds())
        }
        switch rollBase {
        case .firstTimestamp(let first): return incomingTimestamp - first
        case .appendTime(let appended): return now - appended
        case nil: return nil
        }
    }

    /// The newest timestamp retention compares: the newest batch timestamp, else the file's modification time.
    func retentionTimestamp() throws(LogError) -> Int64 {
        maxTimestamp >= 0 ? maxTimestamp : try log.modificationTimeMilliseconds()
    }

    // MARK: Reading

    /// The position of the batch holding `offset`, or nil when `offset` is past the segment's end.
    func position(of offset: Int64) throws(LogError) -> Int? {
        guard offset < nextOffset else { return nil }
        let start = offsetIndex.lookup(offset: max(offset, baseOffset))
        var scanner = BatchScanner(
            file: log, from: start.position, to: size, chunkSize: max(2 * indexIntervalBytes, 8192), validates: false)
        var expected = start.offset
        while true {
            switch try scanner.next() {
            case .batch(let header, let position, _):
                // baseOffset is outside the CRC: check it against the index and the batch before.
                guard header.baseOffset == expected else {
                    throw .corruptData(
                        path: log.path, position: position,
                        defect: .unexpectedBaseOffset(found: header.baseOffset, expected: expected))
                }
                if header.lastOffset >= offset { return position }
                expected = header.nextOffset
            case .end:
                return nil
            case .invalid(let position, let defect):
                throw .corruptData(path: log.path, position: position, defect: defect)
            }
        }
    }

    /// Whole batches from `position`: as many as fit in `maxBytes`, and at least one.
    /// Stops before the first batch whose baseOffset does not follow the one before or, with `verifyChecksums`,
    /// whose CRC-32C fails; throws when that is the first batch.
    func read(at position: Int, maxBytes: Int, verifyChecksums: Bool) throws(LogError) -> ByteBuffer {
        guard position < size else { return ByteBuffer() }
        var buffer = try log.read(count: min(max(maxBytes, BatchHeader.size), size - position), at: position)
        var end = 0
        var defect: BatchDefect?
        while let header = BatchHeader(parsing: buffer, at: end) {
            do {
                try header.validate(maximumSize: Int(Int32.max))
            } catch {
                defect = error
                break
            }
            guard end + header.totalSize <= buffer.writerIndex else { break }
            if end > 0, end + header.totalSize > maxBytes { break }
            end += header.totalSize
        }
        if end == 0, defect == nil, let header = BatchHeader(parsing: buffer, at: 0) {
            // The first batch is larger than maxBytes: Kafka returns it whole so a consumer can progress.
            guard header.totalSize <= size - position else {
                throw .corruptData(
                    path: log.path, position: position,
                    defect: .truncated(available: size - position, needed: header.totalSize))
            }
            buffer = try log.read(count: header.totalSize, at: position)
            end = header.totalSize
        }
        guard end > 0 else {
            throw .corruptData(
                path: log.path, position: position,
                defect: defect ?? .truncated(available: buffer.readableBytes, needed: BatchHeader.size))
        }
        var result = buffer.getSlice(at: 0, length: end) ?? ByteBuffer()
        try verify(&result, position: position, checksums: verifyChecksums)
        return result
    }

    /// Whole batches from `position` up to `maxBytes` (at least one, as `read`) as a slice of the file
    /// with a descriptor of its own, for sendfile. Only the batch headers are read for bytes this process
    /// already checked; with `verifyChecksums`, batches it has not checked yet (written before the broker
    /// started) are read and checked once first, and the slice stops before the first that fails (thrown
    /// when it is the first batch), as `read` does. From then on those bytes are trusted as the page cache
    /// holds them.
    func slice(at position: Int, maxBytes: Int, verifyChecksums: Bool) throws(LogError) -> LogFileSlice? {
        guard position < size else { return nil }
        // Headers only, one read each: the batches' bytes are the kernel's to send.
        var scanner = BatchScanner(file: log, from: position, to: size, chunkSize: BatchHeader.size, validates: false)
        var end = position
        var zstd = false
        scan: while true {
            switch try scanner.next() {
            case .batch(let header, _, _):
                if end > position, end - position + header.totalSize > maxBytes { break scan }
                zstd = zstd || RecordBatchAttributes(rawValue: header.attributes).compression == .zstd
                end += header.totalSize
            case .end:
                break scan
            case .invalid(let at, let defect):
                if at == position { throw .corruptData(path: log.path, position: at, defect: defect) }
                break scan
            }
        }
        guard end > position else { return nil }
        if verifyChecksums && !verified.covers(position..<end) {
            var batches = try log.read(count: end - position, at: position)
            try verify(&batches, position: position, checksums: true)
            end = position + batches.readableBytes
            verified.insert(position..<end)
        }
        return LogFileSlice(
            descriptor: try log.duplicateDescriptor(), position: position, length: end - position, containsZstd: zstd)
    }

    /// Cuts `batches` before its first batch whose baseOffset does not follow the previous batch or, with
    /// `checksums`, whose CRC-32C fails; throws when that is the first batch.
    private func verify(_ batches: inout ByteBuffer, position: Int, checksums: Bool) throws(LogError) {
        var index = 0
        var expected: Int64?
        while let header = BatchHeader(parsing: batches, at: index),
            let slice = batches.getSlice(at: index, length: header.totalSize)
        {
            var defect: BatchDefect?
            if let expected, header.baseOffset != expected {
                defect = .unexpectedBaseOffset(found: header.baseOffset, expected: expected)
            } else if checksums {
                let computed = StoredBatch.checksum(of: slice)
                if computed != header.crc { defect = .checksumMismatch(stored: header.crc, computed: computed) }
            }
            if let defect {
                guard index > 0 else { throw .corruptData(path: log.path, position: position + index, defect: defect) }
                batches = batches.getSlice(at: 0, length: index) ?? ByteBuffer()
                return
            }
            expected = header.nextOffset
            index += header.totalSize
        }
    }

    /// The first record at or after `minimumOffset` whose timestamp is at least `timestamp`, with that
    /// timestamp, or nil: the time index leads to the first batch whose maxTimestamp is that recent, and
    /// its records decide.
    func offset(forTimestamp timestamp: Int64, notBefore minimumOffset: Int64) throws(LogError) -> (
        offset: Int64, timestamp: Int64
    )? {
        guard maxTimestamp >= timestamp, minimumOffset < nextOffset else { return nil }
        let startOffset = max(timeIndex.lookup(timestamp: timestamp), minimumOffset)
        let start = offsetIndex.lookup(offset: startOffset)
        var scanner = BatchScanner(file: log, from: start.position, to: size, validates: false)
        while true {
            switch try scanner.next() {
            case .batch(let header, let position, _):
                if header.lastOffset >= minimumOffset, header.maxTimestamp >= timestamp,
                    let found = try firstRecord(of: header, at: position, from: timestamp, notBefore: minimumOffset)
                {
                    return found
                }
            case .end:
                return nil
            case .invalid(let position, let defect):
                throw .corruptData(path: log.path, position: position, defect: defect)
            }
        }
    }

    /// The first record of the batch at `position` with an offset of at least `minimumOffset` and a
    /// timestamp of at least `timestamp`: with CreateTime each record carries its own, with
    /// LogAppendTime every record has the batch's. Records are stored as the producer framed them
    /// (the log checks a batch's CRC, not its records): a batch whose records do not decode answers
    /// at batch granularity, its first offset and newest timestamp.
    private func firstRecord(
        of header: BatchHeader, at position: Int, from timestamp: Int64, notBefore minimumOffset: Int64
    )
        throws(LogError) -> (offset: Int64, timestamp: Int64)?
    {
        let whole = (offset: max(header.baseOffset, minimumOffset), timestamp: header.maxTimestamp)
        let bytes = try log.read(count: header.totalSize, at: position)
        let batch: RecordBatch
        let records: [Record]
        do {
            batch = try RecordBatch(validating: bytes)
            if batch.header.attributes.logAppendTime { return whole }
            records = try batch.records()
        } catch {
            return whole
        }
        for record in records {
            // Deltas come from the producer: a sum that overflows is not a time, so the batch answers whole.
            let offset = header.baseOffset.addingReportingOverflow(Int64(record.offsetDelta))
            let time = batch.header.baseTimestamp.addingReportingOverflow(record.timestampDelta)
            guard !offset.overflow, !time.overflow else { return whole }
            if offset.partialValue >= minimumOffset, time.partialValue >= timestamp {
                return (offset.partialValue, time.partialValue)
            }
        }
        return nil
    }

    // MARK: Scanning

    /// Walks the batches from `position` (where a batch with `expectedOffset` should start) to the end of the file,
    /// checking that offsets are contiguous (and CRCs with `validates`), and sets the segment's counters from them.
    /// With `rebuildIndexes` the scan starts at 0 and both indexes are replaced by entries derived from it.
    /// Returns where the valid batches end and, when they end before the file does, why.
    func rescan(from position: Int, expectedOffset: Int64, validates: Bool, rebuildIndexes: Bool)
        throws(LogError) -> (end: Int, defect: BatchDefect?)
    {
        let fileSize = try log.size()
        maxTimestamp = -1
        lastBatchOffset = nil
        nextOffset = expectedOffset
        bytesSinceIndexEntry = 0
        if position == 0 { rollBase = nil }
        var scanner = BatchScanner(file: log, from: position, to: fileSize, validates: validates)
        var expected = expectedOffset
        var offsetEntries: [OffsetIndex.Entry] = []
        var timeEntries: [TimeIndex.Entry] = []
        var end = position
        var defect: BatchDefect?
        scan: while true {
            switch try scanner.next() {
            case .batch(let header, let at, _):
                // Index entries hold 32-bit relative offsets and positions.
                guard header.baseOffset == expected, header.lastOffset - baseOffset <= Int64(UInt32.max),
                    at <= Int(UInt32.max)
                else {
                    defect = .unexpectedBaseOffset(found: header.baseOffset, expected: expected)
                    break scan
                }
                if at == 0 { rollBase = header.maxTimestamp >= 0 ? .firstTimestamp(header.maxTimestamp) : nil }
                let (offsetEntry, timeEntry) = account(
                    header: header, position: at, lastTime: rebuildIndexes ? timeEntries.last : nil)
                if let offsetEntry { offsetEntries.append(offsetEntry) }
                if let timeEntry { timeEntries.append(timeEntry) }
                expected = header.nextOffset
                end = at + header.totalSize
            case .end:
                break scan
            case .invalid(_, let found):
                defect = found
                break scan
            }
        }
        verified.truncate(to: end)
        if validates { verified.insert(position..<end) }
        size = end
        if rebuildIndexes {
            try offsetIndex.storage.replace(with: offsetEntries)
            try timeIndex.storage.replace(with: timeEntries)
            try completeTimeIndex()
        }
        return (end, defect)
    }

    /// Raises the segment's newest timestamp to `timestamp` (known from the time index).
    func restoreMaxTimestamp(atLeast timestamp: Int64) {
        maxTimestamp = max(maxTimestamp, timestamp)
    }

    /// Notes that the log file changed and needs a sync.
    func markDirty() {
        isDirty = true
    }

    // MARK: Lifecycle

    /// Closes the segment's files.
    func close() {
        log.close()
        offsetIndex.storage.file.close()
        timeIndex.storage.file.close()
    }

    /// Closes and removes the segment's three files.
    func delete() throws(LogError) {
        close()
        try BlockingFile.remove(log.path)
        try BlockingFile.remove(offsetIndex.storage.file.path)
        try BlockingFile.remove(timeIndex.storage.file.path)
    }
}

/// What a segment's age (for `LogConfiguration.segmentMilliseconds`) is measured from.
enum RollBase {
    /// The maxTimestamp of its first batch.
    case firstTimestamp(Int64)
    /// When its first batch, which had no timestamp, was appended.
    case appendTime(Int64)
}
