import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A simulated power loss for tests, over the one file layer (`DiskFile`, `DiskFiles`).
///
/// Installed for a root directory, it learns from every write, fsync, truncation, creation, rename and
/// removal under that root how much of each file is durable and which directory entries changed since
/// their directory's last fsync. At the chosen moment (`powerLoss(seed:garbage:)`, or on its own at the
/// n-th fsync with `failAfterSyncs`) the disk stops: every later operation under the root fails with
/// `EIO`, as for a process whose machine lost power. `powerLoss` then leaves the files as a power loss
/// would at worst: the directory changes not followed by a directory fsync are undone (created files
/// vanish, renames and removals are reverted), every file is cut back to its last fsynced length, and,
/// with `garbage`, some files get random bytes after that length (a torn write). Directories themselves
/// are taken as durable once made. Everything random comes from the seed, so a run is reproducible.
///
/// It also simulates a full file system (`fillUp(afterWrites:)`): writes and new files fail with `ENOSPC`
/// until `makeRoom()`, the rest (reads, fsyncs, truncations, renames, removals) still working.
///
/// Production code never installs one; the layer's cost without one is one atomic load per operation.
package final class PowerLossSimulator: Sendable {
    /// What a power loss did to the files.
    package struct Report: Sendable, CustomStringConvertible {
        /// Files cut back to their last fsynced length, and the bytes dropped from them.
        package var filesCut = 0
        package var bytesDropped = 0
        /// Files that got random bytes after their durable length.
        package var filesWithGarbage = 0
        /// Creations, renames and removals undone (not followed by a directory fsync).
        package var entriesUndone = 0

        package var description: String {
            "\(filesCut) files cut (\(bytesDropped) bytes dropped), \(filesWithGarbage) with garbage, "
                + "\(entriesUndone) directory changes undone"
        }
    }

    private enum Change {
        case created(path: String)
        case renamed(from: String, to: String, backup: String?, replacedDurable: Int?)
        case removed(path: String, backup: String, durable: Int?)
    }

    private struct State {
        var durable: [String: Int] = [:]
        var changes: [(directory: String, change: Change)] = []
        var syncsLeft: Int?
        var stopped = false
        var backups = 0
        var syncs = 0
        /// Writes still possible before the file system fills (nil: it does not fill on its own).
        var writesBeforeFull: Int?
        var full = false
        var refusedForSpace = 0
    }

    /// The directory the simulator covers, ending in `/`.
    package let root: String
    private let backupDirectory: String
    private let state: Locked<State>

    private static let installed = Locked<[PowerLossSimulator]>([])
    private static let installedCount = Atomic<Int>(0)

    /// Starts watching every file operation under `root` (an existing or new directory). With
    /// `failAfterSyncs`, the disk stops at the fsync after that many (that fsync fails).
    package static func install(root: String, failAfterSyncs: Int? = nil) throws(FileFailure) -> PowerLossSimulator {
        try DiskFiles.createDirectory(root)
        let simulator = PowerLossSimulator(root: root, failAfterSyncs: failAfterSyncs)
        try DiskFiles.createDirectory(simulator.backupDirectory)
        installed.withLock { list in
            list.append(simulator)
            installedCount.store(list.count, ordering: .releasing)
        }
        return simulator
    }

    private init(root: String, failAfterSyncs: Int?) {
        let trimmed = root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = trimmed + "/"
        backupDirectory = trimmed + ".powerloss"
        state = Locked(State(syncsLeft: failAfterSyncs))
    }

    /// The simulator covering `path`, if one is installed.
    static func covering(_ path: String) -> PowerLossSimulator? {
        guard installedCount.load(ordering: .acquiring) > 0 else { return nil }
        return installed.withLock { list in list.first { path.hasPrefix($0.root) } }
    }

    /// Whether the disk has stopped (a power loss happened or `failAfterSyncs` was reached).
    package var hasStopped: Bool { state.withLock { $0.stopped } }

    /// The fsyncs (of files and directories) that succeeded under the root so far.
    package var syncCount: Int { state.withLock { $0.syncs } }

    /// Stops the disk now: every later operation under the root fails with `EIO`.
    package func stop() {
        state.withLock { $0.stopped = true }
    }

    /// Fills the file system after `writes` more writes (0: now): from then on every write and every
    /// new or truncated file under the root fails with `ENOSPC`, until `makeRoom()`.
    package func fillUp(afterWrites writes: Int) {
        state.withLock { state in
            if writes <= 0 {
                state.full = true
            } else {
                state.writesBeforeFull = writes
            }
        }
    }

    /// Frees space: writes succeed again.
    package func makeRoom() {
        state.withLock { state in
            state.full = false
            state.writesBeforeFull = nil
        }
    }

    /// Writes and file creations refused with `ENOSPC` so far.
    package var refusedForSpace: Int { state.withLock { $0.refusedForSpace } }

    /// Stops the disk (if it has not stopped) and leaves the files as a power loss would at worst; then
    /// uninstalls the simulator, so the files can be opened again as after a reboot.
    package func powerLoss(seed: UInt64, garbage: Bool) -> Report {
        var random = SplitMix64(seed: seed)
        var report = Report()
        state.withLock { state in
            state.stopped = true
            for (_, change) in state.changes.reversed() {
                report.entriesUndone += 1
                switch change {
                case .created(let path):
                    unlink(path)
                    state.durable[path] = nil
                case .renamed(let from, let to, let backup, let replacedDurable):
                    rename(to, from)
                    state.durable[from] = state.durable[to]
                    state.durable[to] = nil
                    if let backup {
                        rename(backup, to)
                        state.durable[to] = replacedDurable
                    }
                case .removed(let path, let backup, let durable):
                    rename(backup, path)
                    state.durable[path] = durable
                }
            }
            state.changes.removeAll()
            for (path, length) in state.durable.sorted(by: { $0.key < $1.key }) {
                var status = stat()
                guard stat(path, &status) == 0, Int(status.st_size) > length else { continue }
                let unsynced = Int(status.st_size) - length
                truncate(path, off_t(length))
                report.filesCut += 1
                report.bytesDropped += unsynced
                if garbage, random.next() % 2 == 0 {
                    let count = 1 + Int(random.next() % UInt64(min(unsynced, 4096)))
                    var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    let descriptor = open(path, O_WRONLY | O_CLOEXEC)
                    if descriptor >= 0 {
                        _ = bytes.withUnsafeMutableBytes { pwrite(descriptor, $0.baseAddress, count, off_t(length)) }
                        close(descriptor)
                        report.filesWithGarbage += 1
                    }
                }
            }
        }
        uninstall()
        return report
    }

    /// Stops watching; the files stay as they are.
    package func uninstall() {
        Self.installed.withLock { list in
            list.removeAll { $0 === self }
            Self.installedCount.store(list.count, ordering: .releasing)
        }
        if let names = try? DiskFiles.contents(ofDirectory: backupDirectory) {
            for name in names { unlink(backupDirectory + "/" + name) }
        }
        rmdir(backupDirectory)
    }

    // MARK: - Reports from the file layer

    /// Throws `EIO` when the disk has stopped, `ENOSPC` for a write or a new file when the file system is
    /// full; counts an fsync against `failAfterSyncs` and a write against `fillUp(afterWrites:)`.
    func check(_ operation: String, _ path: String) throws(FileFailure) {
        let refused: Int32? = state.withLock { state in
            if state.stopped { return EIO }
            if operation == "fsync", let left = state.syncsLeft {
                if left == 0 {
                    state.stopped = true
                    return EIO
                }
                state.syncsLeft = left - 1
            }
            guard operation == "pwrite" || operation == "open" else { return nil }
            if operation == "pwrite", let left = state.writesBeforeFull {
                if left == 0 {
                    state.full = true
                    state.writesBeforeFull = nil
                } else {
                    state.writesBeforeFull = left - 1
                }
            }
            guard state.full else { return nil }
            state.refusedForSpace += 1
            return ENOSPC
        }
        if let refused { throw FileFailure(operation: operation, path: path, errno: refused) }
    }

    func writing(_ path: String, descriptor: Int32) {
        state.withLock { state in
            guard state.durable[path] == nil else { return }
            var status = stat()
            state.durable[path] = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        }
    }

    func created(_ path: String) {
        state.withLock { state in
            state.durable[path] = 0
            state.changes.append((DiskFiles.directory(of: path), .created(path: path)))
        }
    }

    func truncating(_ path: String, to size: Int) {
        state.withLock { state in
            state.durable[path] = min(state.durable[path] ?? size, size)
        }
    }

    func synced(_ path: String, size: Int) {
        state.withLock { state in
            state.durable[path] = size
            state.syncs += 1
        }
    }

    func renaming(_ source: String, to destination: String) {
        state.withLock { state in
            var backup: String?
            if DiskFiles.exists(destination) {
                state.backups += 1
                let name = backupDirectory + "/\(state.backups)"
                if link(destination, name) == 0 { backup = name }
            }
            let replaced = state.durable[destination]
            state.durable[destination] = state.durable[source] ?? Self.size(of: source)
            state.durable[source] = nil
            state.changes.append(
                (
                    DiskFiles.directory(of: destination),
                    .renamed(from: source, to: destination, backup: backup, replacedDurable: replaced)
                ))
        }
    }

    func removing(_ path: String) {
        state.withLock { state in
            state.backups += 1
            let name = backupDirectory + "/\(state.backups)"
            guard link(path, name) == 0 else { return }
            state.changes.append(
                (DiskFiles.directory(of: path), .removed(path: path, backup: name, durable: state.durable[path])))
            state.durable[path] = nil
        }
    }

    func linked(_ source: String, to destination: String) {
        state.withLock { state in
            state.durable[destination] = state.durable[source] ?? Self.size(of: source)
            state.changes.append((DiskFiles.directory(of: destination), .created(path: destination)))
        }
    }

    func syncedDirectory(_ directory: String) {
        state.withLock { state in
            state.syncs += 1
            for (changed, change) in state.changes where changed == directory {
                switch change {
                case .renamed(_, _, let backup?, _): unlink(backup)
                case .removed(_, let backup, _): unlink(backup)
                default: break
                }
            }
            state.changes.removeAll { $0.directory == directory }
        }
    }

    private static func size(of path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }
}

/// SplitMix64: a small seeded generator, so every simulated power loss is reproducible from its seed.
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49EB_00D1_33EB
        return z ^ (z >> 31)
    }
}
