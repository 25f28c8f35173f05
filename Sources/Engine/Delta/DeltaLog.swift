import Foundation

/// A table's Delta Lake transaction log, `<table>/_delta_log/`: version N is `<N, 20 digits>.json`, one
/// action per line. Versions are created put-if-absent (a temporary file, fsynced, hard-linked to the
/// version's name, the directory fsynced), so two writers never both commit the same version.
package struct DeltaLog: Sendable {
    package static let directoryName = "_delta_log"

    /// The table's directory.
    package let table: String
    package var directory: String { table + "/" + Self.directoryName }

    package init(table: String) {
        self.table = table
    }

    package static func fileName(version: Int64) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    package static func version(ofFileName name: String) -> Int64? {
        guard name.count == 25, name.hasSuffix(".json") else { return nil }
        let stem = name.dropLast(5)
        guard stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return Int64(stem)
    }

    /// Whether the log directory exists.
    package var exists: Bool { DurableFile.isDirectory(directory) }

    /// The newest version: of the commits, or of the newest checkpoint when the commits it covers are gone.
    package func newestVersion() -> Int64? {
        [versions().last, lastCheckpoint()].compactMap { $0 }.max()
    }

    /// The versions committed, in order.
    package func versions() -> [Int64] {
        (DurableFile.list(directory) ?? []).compactMap(Self.version(ofFileName:)).sorted()
    }

    /// The actions of `version`, in order.
    package func actions(of version: Int64) throws(DeltaError) -> [DeltaAction] {
        let path = directory + "/" + Self.fileName(version: version)
        let bytes: [UInt8]?
        do { bytes = try DurableFile.contents(of: path) } catch { throw .io("\(error)") }
        guard let bytes else { throw .missingVersion(version) }
        let decoder = JSONDecoder()
        var actions: [DeltaAction] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
            do { actions.append(try decoder.decode(DeltaAction.self, from: Data(line))) } catch {
                throw .corrupt(version: version, "\(error)")
            }
        }
        return actions
    }

    /// Commits `actions` as `version`, put-if-absent. Throws `versionExists` when another writer holds it.
    package func commit(_ actions: [DeltaAction], version: Int64) throws(DeltaError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for action in actions {
            do { bytes += try encoder.encode(action) } catch { throw .io("cannot encode a Delta action: \(error)") }
            bytes.append(UInt8(ascii: "\n"))
        }
        let name = Self.fileName(version: version)
        let temporary = directory + "/." + name + "." + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".tmp"
        let created: Bool
        do {
            try DurableFile.createDirectories(directory)
            created = try DurableFile.createExclusively(directory + "/" + name, with: bytes, temporary: temporary)
        } catch { throw .io("\(error)") }
        guard created else { throw .versionExists(version) }
    }

    /// The table as of `version` (the newest without one): from the newest checkpoint at or before it
    /// (`_last_checkpoint` when reading the newest), then every commit after it; from version 0 when
    /// there is no checkpoint to start from.
    package func snapshot(asOf version: Int64? = nil) throws(DeltaError) -> DeltaSnapshot {
        let all = versions()
        guard let newest = newestVersion() else { throw .noVersions(directory) }
        let last = version ?? newest
        guard last >= 0, last <= newest else { throw .missingVersion(last) }
        var start: Int64 = 0
        var snapshot = DeltaSnapshot(version: last)
        if let checkpoint = checkpointVersion(atOrBefore: last) {
            snapshot.apply(
                try DeltaCheckpoint.actions(ofFile: directory + "/" + DeltaCheckpoint.fileName(version: checkpoint)))
            start = checkpoint + 1
        }
        let needed = all.filter { $0 >= start && $0 <= last }
        guard needed.count == Int(last - start + 1) else { throw .gap(needed.count, last) }
        for v in needed { snapshot.apply(try actions(of: v)) }
        return snapshot
    }

    /// The newest checkpoint at or before `version`: `_last_checkpoint`'s when it qualifies, else the
    /// newest checkpoint file that does.
    func checkpointVersion(atOrBefore version: Int64) -> Int64? {
        if let last = lastCheckpoint(), last <= version { return last }
        let suffix = ".checkpoint.parquet"
        return (DurableFile.list(directory) ?? []).compactMap { name -> Int64? in
            guard name.hasSuffix(suffix), name.count == 20 + suffix.count else { return nil }
            return Int64(name.prefix(20))
        }.filter { $0 <= version }.max()
    }
}

/// The table a log describes at one version: its metadata and live files.
package struct DeltaSnapshot: Sendable {
    package var version: Int64
    package var `protocol`: DeltaProtocol?
    package var metadata: DeltaMetadata?
    /// Live files by path.
    package var files: [String: DeltaAdd] = [:]
    /// The newest `txn` version of each application.
    package var transactions: [String: Int64] = [:]

    package init(version: Int64) {
        self.version = version
    }

    package mutating func apply(_ actions: [DeltaAction]) {
        for action in actions {
            if let value = action.protocol { self.protocol = value }
            if let value = action.metaData { metadata = value }
            if let add = action.add { files[add.path] = add }
            if let remove = action.remove { files[remove.path] = nil }
            if let txn = action.txn { transactions[txn.appId] = txn.version }
        }
    }
}

/// Why the Delta log could not be read or written.
public enum DeltaError: Error, Sendable, Equatable, CustomStringConvertible {
    case io(String)
    case noVersions(String)
    case missingVersion(Int64)
    case gap(Int, Int64)
    case corrupt(version: Int64, String)
    case versionExists(Int64)

    public var description: String {
        switch self {
        case .io(let message): "Delta log: \(message)"
        case .noVersions(let directory): "Delta log: no version in \(directory)"
        case .missingVersion(let version): "Delta log: version \(version) is missing"
        case .gap(let count, let newest): "Delta log: \(count) versions up to \(newest), some are missing"
        case .corrupt(let version, let message): "Delta log: version \(version) does not parse: \(message)"
        case .versionExists(let version): "Delta log: version \(version) was committed by another writer"
        }
    }
}
