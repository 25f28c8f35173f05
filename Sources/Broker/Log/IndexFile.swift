import NIOCore

/// A fixed-size entry of an index file, stored big-endian.
protocol IndexEntry: Equatable {
    /// Bytes of one entry on disk.
    static var size: Int { get }
    /// The entry stored at `index` of `buffer`, or nil when the bytes are not there.
    init?(from buffer: ByteBuffer, at index: Int)
    /// Appends the entry's bytes to `buffer`.
    func write(to buffer: inout ByteBuffer)
}

/// The entries of one index file, held in memory and written through to the file as they are appended.
/// The file is only a cache of what a scan of the segment would give: when it is missing or malformed
/// the segment rebuilds it.
final class IndexFile<Entry: IndexEntry> {
    let file: BlockingFile
    private(set) var entries: [Entry]
    /// Whether entries were written since the last `sync()`.
    private(set) var isDirty = false

    init(file: BlockingFile, entries: [Entry]) {
        self.file = file
        self.entries = entries
    }

    /// The entries stored in `file`, or nil when its size is not a whole number of entries.
    static func readEntries(of file: BlockingFile) throws(LogError) -> [Entry]? {
        let size = try file.size()
        guard size % Entry.size == 0 else { return nil }
        let buffer = try file.read(count: size, at: 0)
        guard buffer.readableBytes == size else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(size / Entry.size)
        var index = 0
        while index < size {
            guard let entry = Entry(from: buffer, at: index) else { return nil }
            entries.append(entry)
            index += Entry.size
        }
        return entries
    }

    /// Sets the in-memory entries to what the file already holds (read with `readEntries(of:)`).
    func load(_ stored: [Entry]) {
        entries = stored
    }

    /// Appends one entry to memory and to the file.
    func append(_ entry: Entry) throws(LogError) {
        var buffer = ByteBuffer()
        entry.write(to: &buffer)
        try file.write(buffer, at: entries.count * Entry.size)
        entries.append(entry)
        isDirty = true
    }

    /// Keeps the first `count` entries.
    func truncate(keeping count: Int) throws(LogError) {
        guard count < entries.count else { return }
        entries.removeSubrange(count...)
        try file.truncate(to: count * Entry.size)
        isDirty = true
    }

    /// Replaces every entry, in memory and in the file.
    func replace(with newEntries: [Entry]) throws(LogError) {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(newEntries.count * Entry.size)
        for entry in newEntries { entry.write(to: &buffer) }
        try file.truncate(to: 0)
        try file.write(buffer, at: 0)
        entries = newEntries
        isDirty = true
    }

    /// A descriptor to sync on another thread when entries changed since the last sync, which
    /// then counts as done (a failed background sync stops the log).
    func descriptorForBackgroundSync() throws(LogError) -> BackgroundSync? {
        guard isDirty else { return nil }
        let descriptor = try file.duplicateDescriptor()
        isDirty = false
        return BackgroundSync(descriptor: descriptor, path: file.path)
    }

    /// Makes the file durable when entries changed since the last call.
    func sync() throws(LogError) {
        guard isDirty else { return }
        try file.sync()
        isDirty = false
    }
}
