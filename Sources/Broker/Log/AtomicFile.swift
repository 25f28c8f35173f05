import NIOCore

/// Replaces small files so a crash leaves either the old content or the new one, never a mix:
/// write a temporary file, fsync it, rename it over the target, fsync the directory.
/// For checkpoints and other small broker state (group offsets, producer state).
package enum AtomicFile {
    /// Replaces the file at `path` with the readable bytes of `contents`.
    package static func write(_ contents: ByteBuffer, to path: String, faults: IOFaultInjector? = nil)
        throws(LogError)
    {
        let temporary = path + ".tmp"
        let file = try BlockingFile.open(temporary, create: true, truncate: true, faults: faults)
        do {
            try file.write(contents, at: 0)
            try file.sync()
            file.close()
        } catch {
            file.close()
            try? BlockingFile.remove(temporary)
            throw error
        }
        try BlockingFile.rename(temporary, to: path)
        try BlockingFile.syncDirectory(directory(of: path), faults: faults)
    }

    /// Replaces the file at `path` with `bytes`.
    package static func write(_ bytes: some Collection<UInt8>, to path: String, faults: IOFaultInjector? = nil)
        throws(LogError)
    {
        try write(ByteBuffer(bytes: bytes), to: path, faults: faults)
    }

    /// The whole content of the file at `path`, or nil when there is none.
    package static func read(_ path: String) throws(LogError) -> ByteBuffer? {
        guard BlockingFile.exists(path) else { return nil }
        let file = try BlockingFile.open(path, create: false, faults: nil)
        defer { file.close() }
        return try file.read(count: try file.size(), at: 0)
    }

    /// The directory part of `path` (`.` when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
