import Foundation
import Storage

/// A Parquet table written exactly once across crashes: Hive-partitioned by hour, parts rolled by
/// size and age rather than one file per batch, committed through a Delta Lake transaction log
/// (`_delta_log/`), so Delta readers (delta-rs, polars, Spark) read it as a table, and a glob over
/// `date=*/hour=*/*.parquet` sees exactly the committed rows.
///
/// Each batch appends one row group per hour partition to that hour's open part and fsyncs it; the
/// part is named `….parquet.inprogress`, so a glob never sees it. A commit writes the footer of every
/// part due to roll, then one record of the batch (atomically: it holds the synced length and row
/// groups of every open part), then renames the rolled parts to `.parquet`. When parts rolled, the
/// record is the next Delta version: `add` for each (with its statistics), `txn` with the batch, and
/// the open parts in `commitInfo`. When none did, it is a file of the sink's own, `_souk_writer/<batch>.json`,
/// so the Delta log grows by a version per roll, not per batch. Recovery takes the newer of the two,
/// finishes interrupted renames, cuts open parts back to their recorded length and deletes everything
/// else in progress. A table written with the older `_souk_manifest/` is converted on first recovery.
///
/// At low rates every batch is a small row group, and readers pay per row group (its dictionary
/// pages, statistics and footer entries). So a rolling part with small row groups is rewritten,
/// before its commit, into a new part of row groups of `rowGroupRows` rows or `rowGroupBytes` bytes;
/// the commit adds the new part and the old one is deleted. A crash before the commit leaves the old
/// part open as the previous record says (the new one is deleted in recovery, and the batch is
/// replayed); a crash after it finishes the rename like any other roll. At high rates the row groups
/// are full already and nothing is rewritten.
///
/// Blocking file I/O, not thread-safe: the caller serializes calls and runs them off the
/// cooperative pool.
public final class ParquetTableSink {
    public let configuration: ParquetTableSinkConfiguration
    public private(set) var lastCommittedBatch: Int64?

    private struct Part {
        /// Final relative path (`.parquet`).
        var path: String
        var createdMicros: Int64
        var writer: ParquetFileWriter
        var state: ParquetPartState
    }

    /// Open parts by partition directory (`date=…/hour=…`, or "" unpartitioned).
    private var parts: [String: Part] = [:]
    private var rowsSinceCommit: Int64 = 0
    private var recovered = false
    private var writerDirectory: String { configuration.directory + "/" + TableManifest.writerDirectoryName }
    private let rollAgeMicros: Int64
    private let log: DeltaLog
    /// The table as of the newest version of its Delta log.
    private var snapshot = DeltaSnapshot(version: 0)

    /// The `txn` application id of Souk's stream in a table's Delta log.
    package static let transactionAppId = "souk-stream"

    public init(_ configuration: ParquetTableSinkConfiguration) throws(SinkError) {
        self.configuration = configuration
        rollAgeMicros = configuration.rollAge.microseconds
        log = DeltaLog(table: configuration.directory)
        do { try DurableFile.createDirectories(writerDirectory) } catch { throw .io("\(error)") }
    }

    deinit {
        for part in parts.values { part.writer.abandon() }
    }

    // MARK: - Recovery

    /// Brings the directory back to the newest committed state; returns the last committed batch.
    @discardableResult
    public func recover() throws(SinkError) -> Int64? {
        for part in parts.values { part.writer.abandon() }
        parts = [:]
        rowsSinceCommit = 0
        try convertLegacyManifest()
        try createLogIfNeeded()
        let (logged, added) = try newestLoggedState()
        let own = try newestManifest(in: writerDirectory)
        let manifest = [logged, own].compactMap { $0 }.max { $0.batch < $1.batch }
        lastCommittedBatch = manifest?.batch
        if let committed = snapshot.transactions[Self.transactionAppId], committed > manifest?.batch ?? -1 {
            // The commit that recorded the open parts of that batch is gone (deleted by hand?): resuming
            // without it would delete the rows those parts hold.
            throw .corruptManifest(
                "the Delta log's txn says batch \(committed) committed, but the state of its open parts is missing")
        }
        // Every live part, not only those of the newest versions: a compaction's new part may sit under
        // its `.inprogress` name behind later commits, and must not be taken for an orphan.
        for relative in Set(added).union(snapshot.files.keys) {
            let final = path(relative)
            let pending = final + TableManifest.inProgressSuffix
            if !exists(final) && exists(pending) { try rename(pending, to: final) }
        }
        var keep = Set<String>()
        for open in manifest?.open ?? [] {
            guard let state = open.state else {
                throw .corruptManifest("open part \(open.path) has bad row groups")
            }
            let file = path(open.path) + TableManifest.inProgressSuffix
            guard exists(file) else { throw .corruptManifest("open part \(open.path) is missing") }
            let writer: ParquetFileWriter
            do {
                writer = try ParquetFileWriter(
                    resumingPart: file, at: state, schema: configuration.schema, configuration: configuration.writer)
            } catch { throw .parquet(error) }
            parts[Self.partitionDirectory(of: open.path)] = Part(
                path: open.path, createdMicros: open.createdMicros, writer: writer, state: state)
            keep.insert(open.path + TableManifest.inProgressSuffix)
        }
        try removeOrphans(in: "", keeping: keep)
        recovered = true
        return lastCommittedBatch
    }

    /// Version 0 of a new table's log: the protocol (reader 1, writer 2) and the table's metadata.
    private func createLogIfNeeded() throws(SinkError) {
        guard log.newestVersion() == nil else { return }
        let partitioned = configuration.partitionColumn != nil
        let metadata = DeltaMetadata(
            id: UUID().uuidString.lowercased(),
            name: configuration.directory.split(separator: "/").last.map(String.init),
            schemaString: DeltaTableFormat.schemaString(configuration.schema, partitioned: partitioned),
            partitionColumns: partitioned ? DeltaTableFormat.hourPartitionColumns : [],
            createdTime: Int64(Date().timeIntervalSince1970 * 1000))
        do {
            try log.commit(
                [
                    DeltaAction(protocol: DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)),
                    DeltaAction(metaData: metadata),
                    DeltaAction(commitInfo: commitInfo(operation: "CREATE TABLE", batch: nil, writer: nil)),
                ], version: 0)
        } catch .versionExists {
            // Created meanwhile by another writer: theirs stands.
        } catch { throw .delta(error) }
    }

    /// The sink's state in the newest Delta version that records it, and the files added from that
    /// version on (the only ones whose rename a crash can have interrupted). Reads the table's snapshot
    /// (from its newest checkpoint) into `snapshot`, and writes the checkpoint a crash may have skipped.
    private func newestLoggedState() throws(SinkError) -> (TableManifest?, [String]) {
        do { snapshot = try log.snapshot() } catch { throw .delta(error) }
        var added: [String] = []
        var state: TableManifest?
        for version in log.versions().reversed() {
            let actions: [DeltaAction]
            do { actions = try log.actions(of: version) } catch { throw .delta(error) }
            added += actions.compactMap(\.add?.path)
            try finishRemovals(actions.compactMap(\.remove?.path))
            if let recorded = actions.lazy.compactMap(\.commitInfo?.soukWriter).first {
                state = recorded
                break
            }
        }
        try checkpointIfDue()
        return (state, added)
    }

    /// Renames the parts a compaction removed that a crash left under their `.parquet` names.
    private func finishRemovals(_ removed: [String]) throws(SinkError) {
        for relative in removed where exists(path(relative)) {
            try rename(path(relative), to: path(relative) + TableManifest.removedSuffix)
        }
    }

    /// Writes the checkpoint of the snapshot when its version is due one and it has none yet.
    private func checkpointIfDue() throws(SinkError) {
        let version = snapshot.version
        guard version > 0, version % DeltaCheckpoint.interval == 0, log.lastCheckpoint() != version else { return }
        do { try log.writeCheckpoint(snapshot) } catch { throw .delta(error) }
    }

    /// The newest manifest in `directory` that parses; torn or temporary newer files are removed.
    private func newestManifest(in directory: String) throws(SinkError) -> TableManifest? {
        let names = (DurableFile.list(directory) ?? []).sorted(by: >)
        for name in names {
            let file = directory + "/" + name
            guard TableManifest.batch(ofFileName: name) != nil else {
                DurableFile.remove(file)
                continue
            }
            let bytes: [UInt8]?
            do { bytes = try DurableFile.contents(of: file) } catch { throw .io("\(error)") }
            if let bytes, let manifest = try? JSONDecoder().decode(TableManifest.self, from: Data(bytes)) {
                return manifest
            }
            DurableFile.remove(file)
        }
        return nil
    }

    /// A table written by an older Souk (`_souk_manifest/`, no Delta log) becomes a Delta table: its
    /// newest manifest entry's renames are finished, version 0 is created and version 1 adds every
    /// committed part (every `.parquet` file) with the entry's batch and open parts; the old manifest goes
    /// last, so a crash on the way redoes the conversion from the start.
    private func convertLegacyManifest() throws(SinkError) {
        let legacy = configuration.directory + "/" + TableManifest.legacyDirectoryName
        guard DurableFile.isDirectory(legacy) else { return }
        let manifest = try newestManifest(in: legacy)
        for file in manifest?.committed ?? [] {
            let final = path(file.path)
            let pending = final + TableManifest.inProgressSuffix
            if !exists(final) && exists(pending) { try rename(pending, to: final) }
        }
        for name in DurableFile.list(log.directory) ?? [] { DurableFile.remove(log.directory + "/" + name) }
        try createLogIfNeeded()
        var state = manifest
        state?.committed = []
        var actions: [DeltaAction] = []
        if let batch = manifest?.batch {
            actions.append(DeltaAction(txn: transaction(batch)))
        }
        for relative in committedParts(in: "").sorted() {
            let bytes: Int64
            do { bytes = try Int64(ParquetFileReader(path: path(relative)).fileSize) } catch { throw .parquet(error) }
            actions.append(DeltaAction(add: try addAction(relative: relative, finalPath: path(relative), bytes: bytes)))
        }
        actions.append(DeltaAction(commitInfo: commitInfo(operation: "CONVERT", batch: manifest?.batch, writer: state)))
        do { try log.commit(actions, version: 1) } catch { throw .delta(error) }
        for name in DurableFile.list(legacy) ?? [] { DurableFile.remove(legacy + "/" + name) }
        rmdir(legacy)
        do { try DurableFile.syncDirectory(of: legacy) } catch { throw .io("\(error)") }
    }

    /// Relative paths of every `.parquet` file under `relative` (the sink's own directories left out).
    private func committedParts(in relative: String) -> [String] {
        let directory = relative.isEmpty ? configuration.directory : path(relative)
        var found: [String] = []
        for name in DurableFile.list(directory) ?? [] where !name.hasPrefix("_") && !name.hasPrefix(".") {
            let child = relative.isEmpty ? name : relative + "/" + name
            if DurableFile.isDirectory(path(child)) {
                found += committedParts(in: child)
            } else if name.hasSuffix(".parquet") {
                found.append(child)
            }
        }
        return found
    }

    private func removeOrphans(in relative: String, keeping keep: Set<String>) throws(SinkError) {
        let directory = relative.isEmpty ? configuration.directory : path(relative)
        for name in DurableFile.list(directory) ?? [] where !(relative.isEmpty && name.hasPrefix("_")) {
            let child = relative.isEmpty ? name : relative + "/" + name
            if DurableFile.isDirectory(path(child)) {
                try removeOrphans(in: child, keeping: keep)
            } else if (name.hasSuffix(TableManifest.inProgressSuffix) && !keep.contains(child))
                || (name.hasPrefix(".") && name.hasSuffix(".tmp"))
            {
                DurableFile.remove(path(child))
            }
        }
    }

    // MARK: - Delta actions

    /// Commits `actions` as the next version. Another writer (a compaction) may have taken that version:
    /// its commits are read into the snapshot and the next version is tried. A stream's appends never
    /// conflict with a compaction's rewrite of closed hours.
    private func commitToLog(_ actions: [DeltaAction]) throws(SinkError) {
        for _ in 0..<100 {
            do {
                try log.commit(actions, version: snapshot.version + 1)
                snapshot.version += 1
                snapshot.apply(actions)
                return
            } catch .versionExists {
                do {
                    for version in log.versions() where version > snapshot.version {
                        snapshot.apply(try log.actions(of: version))
                        snapshot.version = version
                    }
                } catch { throw .delta(error) }
            } catch { throw .delta(error) }
        }
        throw .delta(.io("gave up committing after 100 versions taken by other writers"))
    }

    private func transaction(_ batch: Int64) -> DeltaTransaction {
        DeltaTransaction(
            appId: Self.transactionAppId, version: batch, lastUpdated: Int64(Date().timeIntervalSince1970 * 1000))
    }

    private func commitInfo(operation: String, batch: Int64?, writer: TableManifest?) -> DeltaCommitInfo {
        DeltaCommitInfo(
            timestamp: Int64(Date().timeIntervalSince1970 * 1000), operation: operation,
            operationParameters: batch.map { ["epochId": String($0), "outputMode": "Append"] } ?? [:],
            engineInfo: "Souk/\(SoukVersion.current)", isBlindAppend: true, soukWriter: writer)
    }

    /// The `add` of a part whose complete file is at `finalPath` (or still at its `.inprogress` name).
    private func addAction(relative: String, finalPath: String, bytes: Int64) throws(SinkError) -> DeltaAdd {
        let reader: ParquetFileReader
        do { reader = try ParquetFileReader(path: finalPath) } catch { throw .parquet(error) }
        return DeltaAdd(
            path: relative, partitionValues: DeltaTableFormat.partitionValues(ofPath: relative), size: bytes,
            modificationTime: Int64(Date().timeIntervalSince1970 * 1000), dataChange: true,
            stats: DeltaTableFormat.statistics(rows: reader.rowCount, summaries: reader.columnSummaries()))
    }

    // MARK: - Writing

    /// Appends the rows of batch `batch`: one row group per hour partition, each part fsynced. A
    /// batch already committed (a replay) is skipped.
    public func write(batch: Int64, columns: [ParquetColumnBuffer]) throws(SinkError) {
        try write(batch: batch, batches: [columns])
    }

    /// Appends several column batches of batch `batch` (the map outputs of the workers) without
    /// joining them first: each partition's rows go into one row group, fsynced once.
    public func write(batch: Int64, batches: [[ParquetColumnBuffer]]) throws(SinkError) {
        guard recovered else { throw .io("recover() must run before writing") }
        if let last = lastCommittedBatch, batch <= last { return }
        var touched = Set<String>()
        for columns in batches {
            let rows = columns.first?.rowCount ?? 0
            guard rows > 0 else { continue }
            for (partition, selected) in split(columns, rows: rows) {
                let part = try openPart(partition, batch: batch)
                do { try part.writer.append(selected) } catch { throw .parquet(error) }
                parts[partition] = part
                touched.insert(partition)
            }
            rowsSinceCommit += Int64(rows)
        }
        for partition in touched.sorted() {
            guard var part = parts[partition] else { continue }
            do { part.state = try part.writer.syncPart() } catch { throw .parquet(error) }
            parts[partition] = part
        }
    }

    /// Commits batch `batch`: rolls parts due (all with `rollAll`), writes the manifest entry, renames
    /// the rolled parts. Nothing is written when the batch changed nothing.
    public func commit(batch: Int64, nowMicros: Int64, rollAll: Bool, watermarkMicros: Int64? = nil)
        throws(SinkError) -> SinkCommit
    {
        guard recovered else { throw .io("recover() must run before committing") }
        if let last = lastCommittedBatch, batch <= last { return SinkCommit(openParts: parts.count) }
        for (partition, part) in parts where part.createdMicros == Int64.min {
            parts[partition]?.createdMicros = nowMicros
        }
        let rolling = parts.filter { rollAll || isDue($0.value, nowMicros: nowMicros) }
        guard !rolling.isEmpty || rowsSinceCommit > 0 else {
            return SinkCommit(openParts: parts.count)
        }
        var committed: [TableManifest.CommittedFile] = []
        var replaced: [String] = []
        for (partition, part) in rolling.sorted(by: { $0.key < $1.key }) {
            do { try part.writer.close() } catch { throw .parquet(error) }
            if let rewritten = try rewrittenIfSmall(part) {
                committed.append(rewritten)
                replaced.append(part.path)
            } else {
                committed.append(.init(path: part.path, rows: part.state.rows, bytes: part.writer.length))
            }
            parts[partition] = nil
        }
        let manifest = TableManifest(
            batch: batch, committed: [],
            open: parts.values.sorted { $0.path < $1.path }.map { part in
                TableManifest.OpenPart(
                    path: part.path, createdMicros: part.createdMicros, length: part.state.length,
                    rows: part.state.rows,
                    rowGroups: Data(part.state.rowGroups).base64EncodedString())
            }, watermarkMicros: watermarkMicros)
        if committed.isEmpty {
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try DurableFile.replace(
                    writerDirectory + "/" + TableManifest.fileName(batch: batch),
                    with: Array(try encoder.encode(manifest)))
            } catch { throw .io("cannot record batch \(batch): \(error)") }
        } else {
            var actions = [DeltaAction(txn: transaction(batch))]
            for file in committed {
                actions.append(
                    DeltaAction(
                        add: try addAction(
                            relative: file.path, finalPath: path(file.path) + TableManifest.inProgressSuffix,
                            bytes: file.bytes)))
            }
            actions.append(
                DeltaAction(commitInfo: commitInfo(operation: "STREAMING UPDATE", batch: batch, writer: manifest)))
            try commitToLog(actions)
        }
        for file in committed {
            try rename(path(file.path) + TableManifest.inProgressSuffix, to: path(file.path))
        }
        for old in replaced { DurableFile.remove(path(old) + TableManifest.inProgressSuffix) }
        let rows = rowsSinceCommit
        rowsSinceCommit = 0
        lastCommittedBatch = batch
        pruneManifests()
        try checkpointIfDue()
        return SinkCommit(files: committed.map(\.path), rows: rows, openParts: parts.count)
    }

    /// A rolling part (closed, footer written) whose row groups are small, rewritten into row groups of
    /// the target size as a new part next to it, fsynced; nil when at most one row group is small.
    private func rewrittenIfSmall(_ part: Part) throws(SinkError) -> TableManifest.CommittedFile? {
        let source = path(part.path) + TableManifest.inProgressSuffix
        do throws(ParquetError) {
            let reader = try ParquetFileReader(path: source)
            let small = (0..<reader.rowGroupCount).count { group in
                reader.rowCount(ofRowGroup: group) < configuration.rowGroupRows
                    && reader.uncompressedSize(ofRowGroup: group) < configuration.rowGroupBytes
            }
            guard small >= 2 else { return nil }
            let relative = Self.rewrittenName(of: part.path)
            var writerConfiguration = configuration.writer
            writerConfiguration.rowGroupRowLimit = configuration.rowGroupRows
            writerConfiguration.rowGroupByteLimit = Int(clamping: configuration.rowGroupBytes)
            let writer = try ParquetFileWriter(
                part: path(relative) + TableManifest.inProgressSuffix, schema: configuration.schema,
                configuration: writerConfiguration)
            do {
                for group in 0..<reader.rowGroupCount { try writer.append(reader.readRowGroup(group)) }
                try writer.close()
            } catch {
                writer.abandon()
                DurableFile.remove(path(relative) + TableManifest.inProgressSuffix)
                throw error
            }
            guard writer.rowCount == reader.rowCount else {
                throw .corrupt("rewriting \(part.path): \(writer.rowCount) rows written of \(reader.rowCount)")
            }
            do { try DurableFile.syncDirectory(of: path(relative)) } catch {
                throw .io("\(error)")
            }
            return .init(path: relative, rows: Int64(writer.rowCount), bytes: writer.length)
        } catch { throw .parquet(error) }
    }

    /// `…/part-<batch>-<random>.parquet` → `…/part-<batch>-<new random>.parquet`: the rewritten part
    /// keeps the batch that opened it in its name.
    package static func rewrittenName(of relative: String) -> String {
        let suffix = ".parquet"
        let stem = relative.hasSuffix(suffix) ? String(relative.dropLast(suffix.count)) : relative
        // Only a dash in the file name counts, never one in the partition directories.
        let nameStart = stem.lastIndex(of: "/").map { stem.index(after: $0) } ?? stem.startIndex
        let base = stem[nameStart...].lastIndex(of: "-").map { String(stem[..<$0]) } ?? stem
        var name: String
        repeat {
            name = base + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16) + suffix
        } while name == relative
        return name
    }

    /// Whether a part is old or large enough to roll at `nowMicros`.
    public func partsDue(nowMicros: Int64) -> Bool {
        nextRollMicros.map { nowMicros >= $0 } ?? false
    }

    /// The earliest time at which an open part is due to roll (`Int64.min`: one is large enough
    /// now); nil without open parts. Parts opened by a batch not committed yet count from the commit.
    public var nextRollMicros: Int64? {
        parts.values.compactMap(rollMicros).min()
    }

    /// Parts open (appended to, not rolled yet).
    public var openPartCount: Int { parts.count }

    /// Closes open parts without rolling them; the next `recover()` continues them.
    public func close() {
        for part in parts.values { part.writer.abandon() }
        parts = [:]
        recovered = false
    }

    private func isDue(_ part: Part, nowMicros: Int64) -> Bool {
        rollMicros(part).map { nowMicros >= $0 } ?? false
    }

    /// When `part` is due to roll: `Int64.min` once large enough, else its age limit (nil while its
    /// age has not started).
    private func rollMicros(_ part: Part) -> Int64? {
        if part.state.length >= configuration.rollBytes { return Int64.min }
        return part.createdMicros == Int64.min ? nil : part.createdMicros + rollAgeMicros
    }

    private func openPart(_ partition: String, batch: Int64) throws(SinkError) -> Part {
        if let part = parts[partition] { return part }
        let directory = partition.isEmpty ? configuration.directory : path(partition)
        do { try DurableFile.createDirectories(directory) } catch { throw .io("\(error)") }
        let digits = String(batch)
        let name =
            "part-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-"
            + String(UInt32.random(in: 0...UInt32.max), radix: 16) + ".parquet"
        let relative = partition.isEmpty ? name : partition + "/" + name
        let writer: ParquetFileWriter
        do {
            writer = try ParquetFileWriter(
                part: path(relative) + TableManifest.inProgressSuffix, schema: configuration.schema,
                configuration: configuration.writer)
            try DurableFile.syncDirectory(of: path(relative))
        } catch let error as ParquetError {
            throw .parquet(error)
        } catch { throw .io("\(error)") }
        // Its age counts from the commit of the batch that opened it (the commit's clock).
        return Part(path: relative, createdMicros: Int64.min, writer: writer, state: writer.partState)
    }

    // MARK: - Partitioning

    /// The rows of each hour partition (all of them at once when they share one).
    private func split(_ columns: [ParquetColumnBuffer], rows: Int) -> [(String, [ParquetColumnBuffer])] {
        guard let column = configuration.partitionColumn, column < columns.count,
            case .int64(let times) = columns[column].values
        else { return [("", columns)] }
        let validity = columns[column].validity
        var hours: [Int64?] = []
        hours.reserveCapacity(rows)
        var valueIndex = 0
        for row in 0..<rows {
            if let validity, !validity[row] {
                hours.append(nil)
            } else {
                hours.append(ISO8601Timestamp.floorDivide(times[valueIndex], 3_600_000_000).0)
                valueIndex += 1
            }
        }
        let first = hours.first ?? nil
        if hours.allSatisfy({ $0 == first }) { return [(Self.partitionDirectory(hour: first), columns)] }
        var groups: [Int64?: [Int]] = [:]
        for (row, hour) in hours.enumerated() { groups[hour, default: []].append(row) }
        return groups.sorted { ($0.key ?? Int64.min) < ($1.key ?? Int64.min) }.map { hour, selected in
            (Self.partitionDirectory(hour: hour), ColumnSelection.select(columns, rows: selected))
        }
    }

    /// `date=YYYY-MM-DD/hour=HH` of an hour since the epoch (UTC).
    static func partitionDirectory(hour: Int64?) -> String {
        guard let hour else { return "date=__HIVE_DEFAULT_PARTITION__/hour=__HIVE_DEFAULT_PARTITION__" }
        let (day, hourOfDay) = ISO8601Timestamp.floorDivide(hour, 24)
        let hourText = hourOfDay < 10 ? "0\(hourOfDay)" : "\(hourOfDay)"
        return "date=\(ISO8601Timestamp.formatDate(daysSinceEpoch: day))/hour=\(hourText)"
    }

    static func partitionDirectory(of relativePath: String) -> String {
        guard let slash = relativePath.lastIndex(of: "/") else { return "" }
        return String(relativePath[..<slash])
    }

    // MARK: - Files

    private func path(_ relative: String) -> String { configuration.directory + "/" + relative }

    private func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    private func rename(_ from: String, to: String) throws(SinkError) {
        guard Foundation.rename(from, to) == 0 else {
            throw .io("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
        do { try DurableFile.syncDirectory(of: to) } catch { throw .io("\(error)") }
    }

    private func pruneManifests() {
        let batches = (DurableFile.list(writerDirectory) ?? []).compactMap(TableManifest.batch(ofFileName:)).sorted()
        guard batches.count > configuration.retainedManifests else { return }
        for batch in batches.prefix(batches.count - configuration.retainedManifests) {
            DurableFile.remove(writerDirectory + "/" + TableManifest.fileName(batch: batch))
        }
    }
}
