import NIOCore

/// The sparse offset index of one segment (`<baseOffset>.index`): entries of (offset relative to the
/// segment's base u32, file position u32), one every `indexIntervalBytes` of batches, both strictly increasing.
/// Each entry points at the start of a batch whose baseOffset is the entry's offset, like Kafka's `OffsetIndex`.
final class OffsetIndex {
    /// One entry: a batch starting at `position` has baseOffset `segmentBase + relativeOffset`.
    struct Entry: IndexEntry {
        static let size = 8
        var relativeOffset: UInt32
        var position: UInt32

        init(relativeOffset: UInt32, position: UInt32) {
            self.relativeOffset = relativeOffset
            self.position = position
        }

        init?(from buffer: ByteBuffer, at index: Int) {
            guard let relativeOffset = buffer.getInteger(at: index, as: UInt32.self),
                let position = buffer.getInteger(at: index + 4, as: UInt32.self)
            else { return nil }
            self.init(relativeOffset: relativeOffset, position: position)
        }

        func write(to buffer: inout ByteBuffer) {
            buffer.writeInteger(relativeOffset)
            buffer.writeInteger(position)
        }
    }

    let baseOffset: Int64
    let storage: IndexFile<Entry>

    init(baseOffset: Int64, storage: IndexFile<Entry>) {
        self.baseOffset = baseOffset
        self.storage = storage
    }

    /// Whether `entries` could index a segment of `segmentSize` bytes: increasing and inside the file.
    static func isPlausible(_ entries: [Entry], segmentSize: Int) -> Bool {
        var previous: Entry?
        for entry in entries {
            guard Int(entry.position) < segmentSize else { return false }
            if let previous, entry.relativeOffset <= previous.relativeOffset || entry.position <= previous.position {
                return false
            }
            previous = entry
        }
        return true
    }

    var entries: [Entry] { storage.entries }

    /// Records that the batch at `position` starts at `offset`.
    func append(offset: Int64, position: Int) throws(LogError) {
        try storage.append(Entry(relativeOffset: UInt32(offset - baseOffset), position: UInt32(position)))
    }

    /// The last indexed batch start at or before `offset`: where a scan for `offset` begins.
    /// The segment's start when no entry is at or before it.
    func lookup(offset: Int64) -> (offset: Int64, position: Int) {
        let entries = storage.entries
        var low = 0
        var high = entries.count  // the first entry after `offset` is in low...high
        while low < high {
            let middle = (low + high) / 2
            if baseOffset + Int64(entries[middle].relativeOffset) <= offset { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return (baseOffset, 0) }
        let entry = entries[low - 1]
        return (baseOffset + Int64(entry.relativeOffset), Int(entry.position))
    }

    /// Drops the entries for batches at `position` or later.
    func truncate(toPosition position: Int) throws(LogError) {
        let keep = storage.entries.firstIndex { Int($0.position) >= position } ?? storage.entries.count
        try storage.truncate(keeping: keep)
    }
}
