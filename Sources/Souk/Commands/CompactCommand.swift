import ArgumentParser
import Commerce
import Engine
import Foundation
import Storage

/// `souk compact`: merges the parts of each closed hour of the committed tables into one part.
struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge the parts of each closed hour of the tables into one part, sorted by event time.",
        discussion: """
            An hour is merged once it ended at least --older-than before the table's watermark (event time, \
            as the stream recorded it in the table's Delta log; not the wall clock). The merge is one Delta \
            version (remove and add, dataChange false); the replaced parts are renamed to .parquet.removed, \
            out of every glob, and deleted after --retain. A running souk stream holds the data directory: \
            give it --compact-after instead.
            """)

    @Option(help: "The stream's data directory.") var dataDir = "./souk-data"
    @Option(help: "The table to compact: transactions or windows (default: both).") var table: String?
    @Option(help: "Merge hours that ended this long before the watermark, e.g. 1h, 30m, 0s.") var olderThan = "1h"
    @Option(help: "Delete replaced parts this long after the merge, e.g. 1h, 0s.") var retain = "1h"

    func validate() throws {
        if let table, !Self.tables.keys.contains(table) {
            throw ValidationError("unknown --table '\(table)' (transactions or windows)")
        }
        guard DurationText.parse(olderThan, bareSeconds: false) != nil else {
            throw ValidationError("--older-than '\(olderThan)' is not a duration (e.g. 1h, 30m, 0s)")
        }
        guard DurationText.parse(retain, bareSeconds: false) != nil else {
            throw ValidationError("--retain '\(retain)' is not a duration (e.g. 1h, 30m, 0s)")
        }
    }

    /// The tables a stream writes, by name: their specification (sort column: the partitioning time).
    static var tables: [String: TableSpecification] {
        let job = CommerceJob()
        var tables = ["windows": job.resultTable]
        if let raw = job.rawTable { tables[raw.name] = raw }
        return tables
    }

    func run() async throws {
        makeCreatedFilesPrivate()
        guard let olderThan = DurationText.parse(olderThan), let retain = DurationText.parse(retain) else { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: "\(dataDir)/tables", isDirectory: &isDirectory),
            isDirectory.boolValue
        else { throw CommandFailure(command: "compact", message: "no tables at \(dataDir)/tables") }
        let lock: DataDirectoryFlock
        do { lock = try DataDirectoryFlock(directory: dataDir) } catch {
            throw CommandFailure(
                command: "compact",
                message: "\(error); a running stream compacts its own tables with --compact-after")
        }
        defer { lock.release() }
        var crashAt: TableCompactor.Step?
        if let text = ProcessInfo.processInfo.environment["SOUK_COMPACT_CRASH_AT"] {
            #if DEBUG
                crashAt = TableCompactor.Step(rawValue: text)
            #else
                _ = text
                throw CommandFailure(
                    command: "compact",
                    message: "SOUK_COMPACT_CRASH_AT is a testing switch of debug builds; unset it")
            #endif
        }
        let names = table.map { [$0] } ?? ["transactions", "windows"]
        for name in names {
            guard let specification = Self.tables[name], let column = specification.partitionColumn else { continue }
            var compactor = TableCompactor(
                directory: "\(dataDir)/tables/\(name)", sortColumn: specification.schema.columns[column].name)
            for (columnName, options) in specification.columnOptions {
                compactor.writer.columnOptions[columnName] = options
            }
            compactor.crashAt = crashAt
            let outcome: TableCompactor.Outcome
            do {
                outcome = try compactor.compact(
                    olderThan: olderThan, retain: retain, nowMillis: Int64(Date().timeIntervalSince1970 * 1000))
            } catch {
                throw CommandFailure(command: "compact", message: "\(name): \(error)")
            }
            for merge in outcome.merges {
                print(
                    "\(name) \(merge.partition): \(merge.parts) parts, \(merge.rows) rows, "
                        + "\(merge.bytesBefore) → \(merge.bytesAfter) bytes")
            }
            let watermark = outcome.watermarkMicros.map { ISO8601Timestamp.format(micros: $0) } ?? "none recorded yet"
            print(
                "\(name): \(outcome.merges.count) hours merged (watermark \(watermark)), "
                    + "\(outcome.deletedRemoved) replaced parts deleted")
        }
    }
}
