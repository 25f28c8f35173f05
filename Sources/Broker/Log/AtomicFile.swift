import NIOCore
import Storage

/// Replaces small files so a crash leaves either the old content or the new one, never a mix (the file
/// layer's `DiskFiles.replace`): write a temporary file, fsync it, rename it over the target, fsync the
/// directory. For checkpoints and other small broker state (topics, producer state).
package enum AtomicFile {
    /// Replaces the file at `path` with the readable bytes of `contents`.
    package static func write(_ contents: ByteBuffer, to path: String, faults: IOFaultInjector? = nil)
        throws(LogError)
    {
        try io { () throws(FileFailure) in try DiskFiles.replace(path, with: contents, faults: faults) }
    }

    /// Replaces the file at `path` with `bytes`.
    package static func write(_ bytes: some Collection<UInt8>, to path: String, faults: IOFaultInjector? = nil)
        throws(LogError)
    {
        try write(ByteBuffer(bytes: bytes), to: path, faults: faults)
    }

    /// The whole content of the file at `path`, or nil when there is none.
    package static func read(_ path: String) throws(LogError) -> ByteBuffer? {
        try io { () throws(FileFailure) in try DiskFiles.read(path) }
    }

    /// The directory part of `path` (`.` when it has none).
    static func directory(of path: String) -> String { DiskFiles.directory(of: path) }
}
