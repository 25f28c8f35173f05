/// A Parquet file being written, over the one file layer (`DiskFile`): under a hidden temporary name in
/// the target directory, fsynced and renamed to its final name only by `commit()`; `discard()` (or never
/// committing) leaves no file behind.
///
/// A part file (`init(part:resumingAt:)`) is written in place instead: `sync()` makes what was written
/// durable, `finish()` fsyncs and closes without renaming, and an unfinished part stays on disk so a
/// later writer can cut it back to a synced length and continue.
final class ParquetOutputFile {
    let path: String
    let temporaryPath: String
    let isPart: Bool
    private var file: DiskFile?
    private(set) var position: Int64 = 0

    /// Opens a part in place: a new file (`resumingAt` nil; it must not exist) or an existing one cut
    /// back to `resumingAt` bytes.
    init(part path: String, resumingAt length: Int64?) throws(ParquetError) {
        self.path = path
        temporaryPath = path
        isPart = true
        if let length {
            do {
                let file = try DiskFile.open(path)
                try file.truncate(to: Int(length))
                try file.sync()
                self.file = file
            } catch {
                throw .io("cannot cut \(path) back to \(length) bytes: \(error)")
            }
            position = length
        } else {
            do { file = try DiskFile.open(path, create: true, exclusive: true) } catch {
                throw .io("cannot create \(path): \(error)")
            }
        }
    }

    init(path: String) throws(ParquetError) {
        self.path = path
        isPart = false
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw .invalidArgument("output path '\(path)' has no file name") }
        temporaryPath = "\(directory)/.\(name).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do { file = try DiskFile.open(temporaryPath, create: true, exclusive: true) } catch {
            throw .io("cannot create \(temporaryPath): \(error)")
        }
    }

    deinit {
        discard()
    }

    /// Makes everything written so far durable (a part file).
    func sync() throws(ParquetError) {
        do { try file?.sync() } catch { throw .io("\(error)") }
    }

    /// Closes the file, leaving it as it is (a part file).
    func release() {
        file?.close()
        file = nil
    }

    func write(_ bytes: [UInt8]) throws(ParquetError) {
        guard let file else { throw .io("write to \(temporaryPath) after it was closed") }
        do { try file.write(bytes, at: Int(position)) } catch { throw .io("\(error)") }
        position += Int64(bytes.count)
    }

    /// Flushes to disk and renames to the final name (a part file: flushes and closes in place).
    func commit() throws(ParquetError) {
        if isPart {
            try sync()
            release()
            return
        }
        do {
            try file?.sync()
            release()
            try DiskFiles.rename(temporaryPath, to: path)
        } catch {
            release()
            try? DiskFiles.remove(temporaryPath)
            throw .io("\(error)")
        }
        // Make the rename itself durable.
        do { try DiskFiles.syncDirectory(of: path) } catch { throw .io("\(error)") }
    }

    /// Closes and deletes the temporary file (a part file is only closed).
    func discard() {
        guard file != nil else { return }
        release()
        if !isPart { try? DiskFiles.remove(temporaryPath) }
    }
}
