import NIOCore

/// The sparse time index of one segment (`<baseOffset>.timeindex`): entries of (timestamp i64, relative
/// offset u32), both strictly increasing. An entry (t, r) says every batch up to and including the one whose
/// baseOffset is `segmentBase + r` has maxTimestamp ≤ t. The last entry holds the segment's newest timestamp
/// once the segment is flushed, rolled or closed.
final class TimeIndex {
    /// One entry; see the type's documentation.
    struct Entry: IndexEntry {
        static let size = 12
        var timestamp: Int64
        var relativeOffset: UInt32

        init(timestamp: Int64, relativeOffset: UInt32) {
            self.timestamp = timestamp
            self.relativeOffset = relativeOffset
        }

        init?(from buffer: ByteBuffer, at index: Int) {
            guard let timestamp = buffer.getInteger(at: index, as: Int64.self),
                let relativeOffset = buffer.getInteger(at: index + 8, as: UInt32.self)
            else { return nil }
            self.init(timestamp: timestamp, relativeOffset: relativeOffset)
        }

        func write(to buffer: inout ByteBuffer) {
            buffer.writeInteger(timestamp)
            buffer.writeInteger(relativeOffset)
        }
    }

    let baseOffset: Int64
    let storage: IndexFile<Entry>

    init(baseOffset: Int64, storage: IndexFile<Entry>) {
        self.baseOffset = baseOffset
        self.storage = storage
    }

    /// Whether `entries` are strictly increasing in both fields.
    static func isPlausible(_ entries: [Entry]) -> Bool {
        var previous: Entry?
        for entry in entries {
            if let previous,
                entry.timestamp <= previous.timestamp || entry.relativeOffset <= previous.relativeOffset
            {
                return false
            }
            previous = entry
        }
        return true
    }

    var entries: [Entry] { storage.entries }

    /// The newest timestamp the index knows, or nil when it is empty.
    var lastTimestamp: Int64? { storage.entries.last?.timestamp }

    /// Records that batches up to the one starting at `offset` have maxTimestamp ≤ `timestamp`;
    /// does nothing unless both are newer than the last entry.
    func maybeAppend(timestamp: Int64, offset: Int64) throws(LogError) {
        let relative = UInt32(offset - baseOffset)
        if let last = storage.entries.last, timestamp <= last.timestamp || relative <= last.relativeOffset {
            return
        }
        try storage.append(Entry(timestamp: timestamp, relativeOffset: relative))
    }

    /// The offset of a batch from which a scan finds the first batch with maxTimestamp ≥ `timestamp`:
    /// the batch of the last entry older than `timestamp`, or the segment's base when there is none.
    func lookup(timestamp: Int64) -> Int64 {
        let entries = storage.entries
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].timestamp < timestamp { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return baseOffset }
        return baseOffset + Int64(entries[low - 1].relativeOffset)
    }

    /// Drops the entries for batches at `offset` or later.
    func truncate(toOffset offset: Int64) throws(LogError) {
        let keep =
            storage.entries.firstIndex { baseOffset + Int64($0.relativeOffset) >= offset } ?? storage.entries.count
        try storage.truncate(keeping: keep)
    }
}
