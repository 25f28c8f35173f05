import Logging
import NIOCore
import Storage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The append-only file of committed-offset changes under the coordinator's directory, with the live
/// offsets it describes. Blocking: used only from the `OffsetStore`'s dedicated thread. Written through
/// the one file layer (Storage's `DiskFile`).
///
/// Layout: the 8-byte magic `SOUKOFS1`, then `OffsetsLogRecord`s. Opening replays every intact record and
/// truncates at the first torn or corrupt one (a crash mid-append loses only that append). When the file
/// outgrows its threshold it is compacted: the live offsets are written to `offsets.log.tmp`, fsynced,
/// renamed over `offsets.log`, and the directory is fsynced, so a crash leaves either the old or the new file.

struct OffsetsLog {
    static let fileName = "offsets.log"
    static let magic: [UInt8] = Array("SOUKOFS1".utf8)

    let directory: String
    let configuration: OffsetsLogConfiguration
    private var file: DiskFile?
    private(set) var sizeBytes: Int
    private var sizeAfterLastCompaction: Int
    /// The offsets the file describes, kept in step with every append so compaction needs no one else.
    private(set) var live: [OffsetKey: CommittedOffset]

    var path: String { "\(directory)/\(Self.fileName)" }

    /// Opens (creating if needed) the log in `directory` and replays it.
    init(directory: String, configuration: OffsetsLogConfiguration, logger: Logger) throws(OffsetsLogError) {
        self.directory = directory
        self.configuration = configuration
        let path = "\(directory)/\(Self.fileName)"
        live = [:]
        sizeBytes = 0
        sizeAfterLastCompaction = 0
        try Self.io { () throws(FileFailure) in
            try DiskFiles.createDirectory(directory)
            try DiskFiles.remove("\(path).tmp")  // a compaction that crashed before its rename
            file = try DiskFile.open(path, create: true)
        }
        do {
            try replay(logger: logger)
        } catch {
            close()
            throw error
        }
    }

    private mutating func replay(logger: Logger) throws(OffsetsLogError) {
        var contents = try Self.io { () throws(FileFailure) in try DiskFiles.read(path) ?? ByteBuffer() }
        let fileBytes = contents.readableBytes
        if fileBytes < Self.magic.count, contents.readableBytesView.elementsEqual(Self.magic.prefix(fileBytes)) {
            // A new file, or one whose creation was cut short while writing the magic.
            try truncate(to: 0)
            try writeAll(ByteBuffer(bytes: Self.magic))
            try sync()
            sizeBytes = Self.magic.count
            sizeAfterLastCompaction = sizeBytes
            return
        }
        guard fileBytes >= Self.magic.count, contents.readBytes(length: Self.magic.count) == Self.magic else {
            throw .notAnOffsetsLog(path: path)
        }
        var records = 0
        while let record = OffsetsLogRecord.read(from: &contents) {
            live.apply(record)
            records += 1
        }
        let validBytes = contents.readerIndex
        if validBytes < fileBytes {
            logger.warning(
                "offsets log has a torn or corrupt tail; truncating it",
                metadata: [
                    "offsets.path": "\(path)", "offsets.valid_bytes": "\(validBytes)",
                    "offsets.dropped_bytes": "\(fileBytes - validBytes)",
                ])
            try truncate(to: validBytes)
            try sync()
        }
        sizeBytes = validBytes
        sizeAfterLastCompaction = validBytes
        logger.info(
            "offsets log replayed",
            metadata: ["offsets.path": "\(path)", "offsets.records": "\(records)", "offsets.live": "\(live.count)"])
    }

    /// Appends `records` as one write, fsyncs if configured, and compacts when the file has grown too large.
    mutating func append(_ records: [OffsetsLogRecord]) throws(OffsetsLogError) {
        guard !records.isEmpty else { return }
        var buffer = ByteBuffer()
        for record in records { record.write(to: &buffer) }
        try writeAll(buffer)
        sizeBytes += buffer.readableBytes
        if configuration.fsyncEachAppend { try sync() }
        for record in records { live.apply(record) }
        if sizeBytes > configuration.compactionThresholdBytes, sizeBytes > 2 * sizeAfterLastCompaction {
            try compact()
        }
    }

    /// Rewrites the file with one commit record per live offset, atomically.
    mutating func compact() throws(OffsetsLogError) {
        var buffer = ByteBuffer(bytes: Self.magic)
        for (key, committed) in live { OffsetsLogRecord.commit(key, committed).write(to: &buffer) }
        let path = path
        close()
        try Self.io { () throws(FileFailure) in
            try DiskFiles.replace(path, with: buffer)
            // The renamed file is now the log; keep appending to it.
            file = try DiskFile.open(path)
        }
        sizeBytes = buffer.readableBytes
        sizeAfterLastCompaction = sizeBytes
    }

    /// Closes the file; the value must not be used afterwards.
    mutating func close() {
        file?.close()
        file = nil
    }

    // MARK: - File operations

    private func sync() throws(OffsetsLogError) {
        try Self.io { () throws(FileFailure) in try openFile().sync() }
    }

    private func truncate(to size: Int) throws(OffsetsLogError) {
        try Self.io { () throws(FileFailure) in try openFile().truncate(to: size) }
    }

    /// Appends `buffer` at the end of the file (`sizeBytes`).
    private func writeAll(_ buffer: ByteBuffer) throws(OffsetsLogError) {
        try Self.io { () throws(FileFailure) in try openFile().write(buffer, at: sizeBytes) }
    }

    private func openFile() throws(FileFailure) -> DiskFile {
        guard let file else { throw FileFailure(operation: "write", path: path, errno: EBADF) }
        return file
    }

    private static func io<T>(_ body: () throws(FileFailure) -> T) throws(OffsetsLogError) -> T {
        do { return try body() } catch { throw .io("\(error)") }
    }
}
