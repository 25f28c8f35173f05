import Foundation
import Storage

/// Merges the parts of each closed hour of a table into one: the parts of a `date=/hour=` partition whose
/// hour ended at least `olderThan` before the table's watermark (event time, as the stream recorded it in
/// the Delta log; never the wall clock) are read, sorted by `sortColumn`, written as one part of full row
/// groups, and committed as one Delta version of `remove`s and an `add`, all with `dataChange: false`.
///
/// Steps, each safe to die after, the Delta log always naming files that exist: the new part is written
/// and fsynced as `<part>.inprogress`, then renamed to `.parquet`; the version is committed (put-if-absent;
/// a stream's commit in between is read and the next version tried); each replaced part is renamed to
/// `.parquet.removed`. A glob sees both the new part and the old ones only while the commit is made. A
/// crash before the commit leaves a part no version adds: the next pass renames it `.removed` (and the
/// stream's recovery deletes a stray `.inprogress`); after it, the next pass finishes the renames of the
/// replaced parts. Replaced parts are deleted once `.removed` for `retain`.
///
/// Blocking file I/O; one compactor per table at a time.
package struct TableCompactor {
    package var directory: String
    /// The column rows are sorted by (the table's event time).
    package var sortColumn: String
    package var rowGroupRows = 128 * 1024
    package var rowGroupBytes: Int64 = 64 << 20
    package var writer = ParquetWriterConfiguration()
    /// A test switch: the process kills itself when it reaches this step (debug builds).
    package var crashAt: Step?

    package enum Step: String, Sendable, CaseIterable {
        case afterWrite = "after-write"
        case afterNewRename = "after-new-rename"
        case afterCommit = "after-commit"
        case afterRemovedRenames = "after-removed-renames"
    }

    /// What one pass did.
    package struct Outcome: Sendable, Equatable {
        package struct Merge: Sendable, Equatable {
            package var partition: String
            package var parts: Int
            package var rows: Int
            package var bytesBefore: Int64
            package var bytesAfter: Int64
        }

        package var merges: [Merge] = []
        package var deletedRemoved = 0
        /// The watermark hours were measured against; nil when the log records none yet.
        package var watermarkMicros: Int64?
    }

    package init(directory: String, sortColumn: String) {
        self.directory = directory
        self.sortColumn = sortColumn
    }

    private var log: DeltaLog { DeltaLog(table: directory) }

    /// One pass: finishes what an interrupted compaction left, merges every eligible hour, deletes
    /// replaced parts older than `retain`.
    package func compact(olderThan: Duration, retain: Duration, nowMillis: Int64) throws(SinkError) -> Outcome {
        var outcome = Outcome()
        guard log.newestVersion() != nil else { return outcome }
        var snapshot: DeltaSnapshot
        do { snapshot = try log.snapshot() } catch { throw .delta(error) }
        try finishRenames(snapshot)
        outcome.watermarkMicros = try recordedWatermark()
        if let watermark = outcome.watermarkMicros {
            let limit = watermark - olderThan.microseconds
            var byPartition: [String: [DeltaAdd]] = [:]
            for add in snapshot.files.values {
                byPartition[ParquetTableSink.partitionDirectory(of: add.path), default: []].append(add)
            }
            for (partition, adds) in byPartition.sorted(by: { $0.key < $1.key }) where adds.count > 1 {
                guard let start = Self.hourStart(partition), start + 3_600_000_000 <= limit else { continue }
                outcome.merges.append(try merge(partition, adds.sorted { $0.path < $1.path }, into: &snapshot))
            }
        }
        outcome.deletedRemoved = deleteRemoved(olderThan: retain, nowMillis: nowMillis)
        return outcome
    }

    /// The newest watermark a commit of the stream recorded in the log.
    private func recordedWatermark() throws(SinkError) -> Int64? {
        for version in log.versions().reversed() {
            let actions: [DeltaAction]
            do { actions = try log.actions(of: version) } catch { throw .delta(error) }
            if let watermark = actions.lazy.compactMap({ $0.commitInfo?.soukWriter?.watermarkMicros }).first {
                return watermark
            }
        }
        return nil
    }

    // MARK: Merging

    private func merge(_ partition: String, _ adds: [DeltaAdd], into snapshot: inout DeltaSnapshot)
        throws(SinkError) -> Outcome.Merge
    {
        var readers: [ParquetFileReader] = []
        var configuration = writer
        do throws(ParquetError) {
            for add in adds {
                let reader = try ParquetFileReader(path: path(add.path))
                if let first = readers.first, first.schema != reader.schema {
                    throw .invalidArgument("\(add.path) has another schema than the other parts of \(partition)")
                }
                readers.append(reader)
            }
        } catch { throw .parquet(error) }
        guard let schema = readers.first?.schema, schema.columns.contains(where: { $0.name == sortColumn }) else {
            throw .io("\(partition): no column \(sortColumn) to sort by")
        }
        if let codec = readers.first?.metadata.rowGroups.first?.columns.first?.metaData?.codec {
            // The codec the stream wrote the hour with.
            switch codec {
            case .uncompressed: configuration.compression = .none
            case .snappy: configuration.compression = .snappy
            case .zstd: configuration.compression = .zstd(level: 1)
            case .gzip: configuration.compression = .gzip()
            case .lz4Raw: configuration.compression = .lz4Raw
            default: break
            }
        }

        let name = ParquetTableSink.rewrittenName(of: adds[0].path)
        let pending = path(name) + TableManifest.inProgressSuffix
        configuration.rowGroupRowLimit = rowGroupRows
        configuration.rowGroupByteLimit = Int(clamping: rowGroupBytes)
        let length: Int64
        let rows: Int
        do throws(ParquetError) {
            let output = try ParquetFileWriter(part: pending, schema: schema, configuration: configuration)
            do {
                rows = try writeSorted(readers, schema: schema, into: output)
                try output.close()
            } catch {
                output.abandon()
                DurableFile.remove(pending)
                throw error
            }
            guard output.rowCount == rows else {
                throw .corrupt("compacting \(partition): \(output.rowCount) rows written of \(rows)")
            }
            length = output.length
        } catch { throw .parquet(error) }
        do { try DurableFile.syncDirectory(of: pending) } catch { throw .io("\(error)") }
        reach(.afterWrite)

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var actions: [DeltaAction] = adds.map { add in
            DeltaAction(
                remove: DeltaRemove(
                    path: add.path, deletionTimestamp: now, dataChange: false, extendedFileMetadata: true,
                    partitionValues: add.partitionValues, size: add.size))
        }
        let reader: ParquetFileReader
        do { reader = try ParquetFileReader(path: pending) } catch { throw .parquet(error) }
        actions.append(
            DeltaAction(
                add: DeltaAdd(
                    path: name, partitionValues: DeltaTableFormat.partitionValues(ofPath: name), size: length,
                    modificationTime: now, dataChange: false,
                    stats: DeltaTableFormat.statistics(rows: reader.rowCount, summaries: reader.columnSummaries()))))
        actions.append(
            DeltaAction(
                commitInfo: DeltaCommitInfo(
                    timestamp: now, operation: "OPTIMIZE",
                    operationParameters: ["partition": partition, "parts": String(adds.count)],
                    engineInfo: "Souk/\(SoukVersion.current)", isBlindAppend: false)))
        try rename(pending, to: path(name))
        reach(.afterNewRename)
        try commit(actions, removing: Set(adds.map(\.path)), into: &snapshot)
        reach(.afterCommit)
        for add in adds { try rename(path(add.path), to: path(add.path) + TableManifest.removedSuffix) }
        reach(.afterRemovedRenames)
        return Outcome.Merge(
            partition: partition, parts: adds.count, rows: rows, bytesBefore: adds.reduce(0) { $0 + $1.size },
            bytesAfter: length)
    }

    /// Commits as the next version; when a stream took it, reads its commits and tries the next, unless
    /// one of them removed a part this compaction replaces.
    private func commit(_ actions: [DeltaAction], removing: Set<String>, into snapshot: inout DeltaSnapshot)
        throws(SinkError)
    {
        for _ in 0..<100 {
            do {
                try log.commit(actions, version: snapshot.version + 1)
                snapshot.version += 1
                snapshot.apply(actions)
                if snapshot.version % DeltaCheckpoint.interval == 0 { try log.writeCheckpoint(snapshot) }
                return
            } catch .versionExists {
                for version in log.versions() where version > snapshot.version {
                    let theirs: [DeltaAction]
                    do { theirs = try log.actions(of: version) } catch { throw .delta(error) }
                    if theirs.contains(where: { $0.remove.map { removing.contains($0.path) } ?? false }) {
                        throw .delta(.io("another writer removed parts this compaction replaces"))
                    }
                    snapshot.apply(theirs)
                    snapshot.version = version
                }
            } catch { throw .delta(error) }
        }
        throw .delta(.io("gave up committing after 100 versions taken by other writers"))
    }

    /// Writes the rows of every row group of `readers` sorted by the sort column (nulls first; ties in
    /// the order read), `rowGroupRows` at a time; returns the row count. Only the sort column of every
    /// row group is held throughout; a row group's other columns are decoded when an output slice first
    /// needs a row of it and dropped once all its rows are written. The stream appends rows nearly in
    /// event-time order, so few row groups are decoded at once.
    private func writeSorted(_ readers: [ParquetFileReader], schema: ParquetSchema, into output: ParquetFileWriter)
        throws(ParquetError) -> Int
    {
        var sources: [(reader: ParquetFileReader, group: Int)] = []
        for reader in readers {
            for group in 0..<reader.rowGroupCount { sources.append((reader, group)) }
        }
        // (key, source, row) of every row, sorted.
        var order: [(key: Int64, source: Int32, row: Int32)] = []
        var remaining: [Int] = []
        for (index, source) in sources.enumerated() {
            let column = try source.reader.readRowGroup(source.group, columns: [sortColumn])[0]
            let keys = Self.keys(column)
            remaining.append(keys.count)
            for (row, key) in keys.enumerated() { order.append((key, Int32(index), Int32(row))) }
        }
        order.sort { ($0.key, $0.source, $0.row) < ($1.key, $1.source, $1.row) }

        var decoded: [Int32: [ParquetColumnBuffer]] = [:]
        var start = 0
        while start < order.count {
            let slice = order[start..<min(start + rowGroupRows, order.count)]
            start = slice.endIndex
            // The row groups this slice draws from, decoded once, laid end to end.
            var needed: [Int32] = []
            var offsets: [Int32: Int] = [:]
            var total = 0
            for entry in slice where offsets[entry.source] == nil {
                if decoded[entry.source] == nil {
                    let source = sources[Int(entry.source)]
                    decoded[entry.source] = try source.reader.readRowGroup(source.group)
                }
                offsets[entry.source] = total
                total += decoded[entry.source]?.first?.rowCount ?? 0
                needed.append(entry.source)
            }
            let joined = ColumnSelection.concatenate(
                needed.compactMap { decoded[$0] }, columnCount: schema.columns.count)
            try output.append(
                ColumnSelection.select(joined, rows: slice.map { offsets[$0.source, default: 0] + Int($0.row) }))
            for entry in slice {
                remaining[Int(entry.source)] -= 1
                if remaining[Int(entry.source)] == 0 { decoded[entry.source] = nil }
            }
        }
        return order.count
    }

    /// The sort keys of a column: its INT64 values (µs), Int64.min for nulls.
    static func keys(_ column: ParquetColumnBuffer) -> [Int64] {
        guard case .int64(let values) = column.values else { return Array(repeating: 0, count: column.rowCount) }
        guard let validity = column.validity else { return values }
        var keys: [Int64] = []
        keys.reserveCapacity(column.rowCount)
        var next = 0
        for present in validity {
            if present {
                keys.append(values[next])
                next += 1
            } else {
                keys.append(Int64.min)
            }
        }
        return keys
    }

    // MARK: Files

    /// Finishes renames a crash interrupted: live parts still under `.inprogress`, and Souk's `part-…`
    /// files in the hour directories that the log does not hold (parts a compaction replaced, or the new
    /// part of one killed before its commit). Files of other names are left alone.
    private func finishRenames(_ snapshot: DeltaSnapshot) throws(SinkError) {
        for relative in snapshot.files.keys {
            let final = path(relative)
            if access(final, F_OK) != 0 && access(final + TableManifest.inProgressSuffix, F_OK) == 0 {
                try rename(final + TableManifest.inProgressSuffix, to: final)
            }
        }
        for partition in hourDirectories() {
            for name in DurableFile.list(path(partition)) ?? []
            where name.hasPrefix("part-") && name.hasSuffix(".parquet") {
                let relative = partition + "/" + name
                if snapshot.files[relative] == nil {
                    try rename(path(relative), to: path(relative) + TableManifest.removedSuffix)
                }
            }
        }
    }

    /// Deletes `.removed` parts renamed more than `retain` ago (the rename stamps them); returns how many.
    private func deleteRemoved(olderThan retain: Duration, nowMillis: Int64) -> Int {
        var deleted = 0
        let limit = nowMillis - retain.microseconds / 1000
        for partition in hourDirectories() {
            for name in DurableFile.list(path(partition)) ?? [] where name.hasSuffix(TableManifest.removedSuffix) {
                var info = stat()
                let file = path(partition + "/" + name)
                guard stat(file, &info) == 0 else { continue }
                let modified = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
                if modified <= limit {
                    DurableFile.remove(file)
                    deleted += 1
                }
            }
        }
        return deleted
    }

    private func hourDirectories() -> [String] {
        var found: [String] = []
        for date in DurableFile.list(directory) ?? [] where date.hasPrefix("date=") {
            for hour in DurableFile.list(path(date)) ?? [] where hour.hasPrefix("hour=") {
                found.append(date + "/" + hour)
            }
        }
        return found.sorted()
    }

    /// The first instant of `date=YYYY-MM-DD/hour=HH` (µs), nil for Hive's default partition.
    static func hourStart(_ partition: String) -> Int64? {
        let parts = partition.split(separator: "/")
        guard parts.count == 2, parts[0].hasPrefix("date="), parts[1].hasPrefix("hour="),
            let hour = Int64(parts[1].dropFirst(5)), (0...23).contains(hour),
            let midnight = ISO8601Timestamp.parseMicros("\(parts[0].dropFirst(5))T00:00Z")
        else { return nil }
        return midnight + hour * 3_600_000_000
    }

    private func path(_ relative: String) -> String { directory + "/" + relative }

    /// Renames, stamps the new name with the time of the rename (`.removed` parts age from it), and
    /// fsyncs the directory.
    private func rename(_ from: String, to: String) throws(SinkError) {
        guard Foundation.rename(from, to) == 0 else {
            throw .io("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
        if to.hasSuffix(TableManifest.removedSuffix) { utimes(to, nil) }
        do { try DurableFile.syncDirectory(of: to) } catch { throw .io("\(error)") }
    }

    private func reach(_ step: Step) {
        guard let crashAt, crashAt == step else { return }
        kill(getpid(), SIGKILL)
    }
}
