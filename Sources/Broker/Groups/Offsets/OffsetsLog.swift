import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The append-only file of committed-offset changes under the coordinator's directory, with the live
/// offsets it describes. Blocking: used only from the `OffsetStore`'s dedicated thread.
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
    private var descriptor: Int32
    private(set) var sizeBytes: Int
    private var sizeAfterLastCompaction: Int
    /// The offsets the file describes, kept in step with every append so compaction needs no one else.
    private(set) var live: [OffsetKey: CommittedOffset]

    var path: String { "\(directory)/\(Self.fileName)" }

    /// Opens (creating if needed) the log in `directory` and replays it.
    init(directory: String, configuration: OffsetsLogConfiguration, logger: Logger) throws(OffsetsLogError) {
        self.directory = directory
        self.configuration = configuration
        try Self.makeDirectory(directory)
        let path = "\(directory)/\(Self.fileName)"
        unlink("\(path).tmp")  // a compaction that crashed before its rename
        descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("open \(path): \(Self.lastError())") }
        live = [:]
        sizeBytes = 0
        sizeAfterLastCompaction = 0
        do {
            try replay(logger: logger)
        } catch {
            systemClose(descriptor)
            throw error
        }
    }

    private mutating func replay(logger: Logger) throws(OffsetsLogError) {
        var contents = try Self.readAll(descriptor, path: path)
        let fileBytes = contents.readableBytes
        if fileBytes < Self.magic.count, contents.readableBytesView.elementsEqual(Self.magic.prefix(fileBytes)) {
            // A new file, or one whose creation was cut short while writing the magic.
            guard ftruncate(descriptor, 0) == 0 else { throw .io("ftruncate \(path): \(Self.lastError())") }
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
            guard ftruncate(descriptor, off_t(validBytes)) == 0 else {
                throw .io("ftruncate \(path): \(Self.lastError())")
            }
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
        let temporary = "\(path).tmp"
        let temporaryDescriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard temporaryDescriptor >= 0 else { throw .io("open \(temporary): \(Self.lastError())") }
        do throws(OffsetsLogError) {
            try Self.writeAll(buffer, to: temporaryDescriptor, path: temporary)
            guard fsync(temporaryDescriptor) == 0 else { throw .io("fsync \(temporary): \(Self.lastError())") }
        } catch {
            systemClose(temporaryDescriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let message = Self.lastError()
            systemClose(temporaryDescriptor)
            unlink(temporary)
            throw .io("rename \(temporary) to \(path): \(message)")
        }
        try Self.syncDirectory(directory)
        // The renamed file is now the log; keep appending through its descriptor.
        systemClose(descriptor)
        systemClose(temporaryDescriptor)
        descriptor = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("reopen \(path): \(Self.lastError())") }
        sizeBytes = buffer.readableBytes
        sizeAfterLastCompaction = sizeBytes
    }

    /// Closes the file; the value must not be used afterwards.
    mutating func close() {
        if descriptor >= 0 {
            systemClose(descriptor)
            descriptor = -1
        }
    }

    // MARK: - System calls

    private func sync() throws(OffsetsLogError) {
        guard fsync(descriptor) == 0 else { throw .io("fsync \(path): \(Self.lastError())") }
    }

    private func writeAll(_ buffer: ByteBuffer) throws(OffsetsLogError) {
        try Self.writeAll(buffer, to: descriptor, path: path)
    }

    private static func writeAll(_ buffer: ByteBuffer, to descriptor: Int32, path: String) throws(OffsetsLogError) {
        let failure: OffsetsLogError? = buffer.withUnsafeReadableBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let written = write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return .io("write \(path): \(lastError())")
                }
                offset += written
            }
            return nil
        }
        if let failure { throw failure }
    }

    private static func readAll(_ descriptor: Int32, path: String) throws(OffsetsLogError) -> ByteBuffer {
        var buffer = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io("read \(path): \(lastError())")
            }
            if count == 0 { return buffer }
            buffer.writeBytes(chunk[0..<count])
        }
    }

    private static func makeDirectory(_ directory: String) throws(OffsetsLogError) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/\(component)"
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw .io("mkdir \(prefix): \(lastError())")
            }
        }
    }

    private static func syncDirectory(_ directory: String) throws(OffsetsLogError) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("open directory \(directory): \(lastError())") }
        defer { systemClose(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io("fsync directory \(directory): \(lastError())") }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

/// `close(2)`, out of reach of `OffsetsLog.close()`'s name.
private func systemClose(_ descriptor: Int32) {
    _ = close(descriptor)
}
