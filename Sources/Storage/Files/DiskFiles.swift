import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file-system operations of the one file layer (see `DiskFile`): names, directories, and small
/// files replaced atomically. Changes to a directory's entries are reported to an installed
/// `PowerLossSimulator` (tests only), which drops those not followed by `syncDirectory`.
package enum DiskFiles {
    /// Whether anything exists at `path`.
    package static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// Whether `path` is a directory.
    package static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Removes the file at `path`; a file already gone is not an error.
    package static func remove(_ path: String) throws(FileFailure) {
        let journal = PowerLossSimulator.covering(path)
        if let journal {
            try journal.check("unlink", path)
            guard exists(path) else { return }
            journal.removing(path)
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw FileFailure(operation: "unlink", path: path, errno: errno)
        }
    }

    /// Renames `source` to `destination`, replacing it atomically.
    package static func rename(_ source: String, to destination: String) throws(FileFailure) {
        let journal = PowerLossSimulator.covering(destination)
        if let journal {
            try journal.check("rename", destination)
            journal.renaming(source, to: destination)
        }
        guard systemRename(source, destination) == 0 else {
            throw FileFailure(operation: "rename", path: destination, errno: errno)
        }
    }

    /// Makes a directory's entries (created, renamed, removed files) durable.
    package static func syncDirectory(_ path: String, faults: FileFaults? = nil) throws(FileFailure) {
        let journal = PowerLossSimulator.covering(path + "/")
        try journal?.check("fsync", path)
        let descriptor = open(path.isEmpty ? "/" : path, O_RDONLY | O_CLOEXEC | O_DIRECTORY)
        guard descriptor >= 0 else { throw FileFailure(operation: "open", path: path, errno: errno) }
        defer { _ = close(descriptor) }
        if faults?.faults.syncs == true { throw FileFailure(operation: "fsync", path: path, errno: EIO) }
        guard fsync(descriptor) == 0 else { throw FileFailure(operation: "fsync", path: path, errno: errno) }
        journal?.syncedDirectory(path)
    }

    /// Makes the entry of `path` in its directory durable.
    package static func syncDirectory(of path: String, faults: FileFaults? = nil) throws(FileFailure) {
        try syncDirectory(directory(of: path), faults: faults)
    }

    /// Creates `path` and its missing parents (mode 0755, less the umask). Directories are taken as
    /// durable once made (the simulator does not drop them).
    package static func createDirectory(_ path: String) throws(FileFailure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw FileFailure(operation: "mkdir", path: prefix, errno: errno)
            }
            prefix += "/"
        }
    }

    /// The names of the entries of directory `path` (without `.` and `..`).
    package static func contents(ofDirectory path: String) throws(FileFailure) -> [String] {
        guard let directory = opendir(path) else {
            throw FileFailure(operation: "opendir", path: path, errno: errno)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The whole content of the file at `path`, or nil when there is none.
    package static func read(_ path: String) throws(FileFailure) -> ByteBuffer? {
        guard exists(path) else { return nil }
        let file = try DiskFile.open(path, readOnly: true)
        defer { file.close() }
        return try file.read(count: try file.size(), at: 0)
    }

    /// Replaces the file at `path` with the readable bytes of `contents` so a crash leaves either the
    /// old content or the new one, never a mix: a temporary file `path.tmp`, fsynced, renamed over
    /// `path`, the directory fsynced.
    package static func replace(_ path: String, with contents: ByteBuffer, faults: FileFaults? = nil)
        throws(FileFailure)
    {
        let temporary = path + ".tmp"
        try writeSynced(temporary, contents, faults: faults)
        do {
            try rename(temporary, to: path)
        } catch {
            try? remove(temporary)
            throw error
        }
        try syncDirectory(of: path, faults: faults)
    }

    /// Creates `path` with `contents` only if nothing is there (put-if-absent): `temporary`, fsynced,
    /// hard-linked to `path` (`link` fails with EEXIST rather than replace), the directory fsynced.
    /// Returns false, writing nothing, when `path` exists: another writer got there first.
    package static func createExclusively(_ path: String, with contents: ByteBuffer, temporary: String)
        throws(FileFailure) -> Bool
    {
        try writeSynced(temporary, contents, faults: nil)
        defer { try? remove(temporary) }
        let journal = PowerLossSimulator.covering(path)
        try journal?.check("link", path)
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw FileFailure(operation: "link", path: path, errno: errno)
        }
        journal?.linked(temporary, to: path)
        try syncDirectory(of: path)
        return true
    }

    /// The directory part of `path` (`.` when it has none).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Writes `contents` to a new (or emptied) file and fsyncs it; the file is removed on failure.
    private static func writeSynced(_ path: String, _ contents: ByteBuffer, faults: FileFaults?)
        throws(FileFailure)
    {
        let file = try DiskFile.open(path, create: true, truncate: true, faults: faults)
        do {
            try file.write(contents, at: 0)
            try file.sync()
            file.close()
        } catch {
            file.close()
            try? remove(path)
            throw error
        }
    }
}

private func systemRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
