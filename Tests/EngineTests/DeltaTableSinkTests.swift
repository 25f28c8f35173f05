import Engine
import Foundation
import Storage
import Testing

@Suite("Delta Lake log of the table sink")
struct DeltaTableSinkTests {
    typealias Sink = ParquetTableSinkTests

    static func log(_ directory: String) -> DeltaLog { DeltaLog(table: directory) }

    @Test("version 0 holds the protocol and the schema; each roll is one version: txn, add with stats, commitInfo")
    func versions() throws {
        let directory = Sink.directory()
        let sink = try Sink.sink(directory)
        try sink.write(batch: 0, columns: Sink.rows(0..<3))
        _ = try sink.commit(batch: 0, nowMicros: 0, rollAll: false)
        #expect(Self.log(directory).versions() == [0], "a batch that rolls nothing adds no version")
        try sink.write(batch: 1, columns: Sink.rows(3..<5, hour: 1))
        let commit = try sink.commit(batch: 1, nowMicros: 0, rollAll: true)
        #expect(Self.log(directory).versions() == [0, 1])

        let first = try Self.log(directory).actions(of: 0)
        let metadata = try #require(first.compactMap(\.metaData).first)
        #expect(first.compactMap(\.protocol) == [DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)])
        #expect(metadata.partitionColumns == ["date", "hour"])
        #expect(metadata.schemaString.contains(#"{"metadata":{},"name":"ts","nullable":true,"type":"timestamp"}"#))
        #expect(metadata.schemaString.contains(#""name":"hour","nullable":true,"type":"integer""#))

        let second = try Self.log(directory).actions(of: 1)
        #expect(second.compactMap(\.txn).map(\.version) == [1])
        let adds = second.compactMap(\.add)
        #expect(Set(adds.map(\.path)) == Set(commit.files))
        #expect(Set(adds.map(\.path)) == Set(try Sink.committed(directory).files))
        for add in adds {
            let reader = try ParquetFileReader(path: directory + "/" + add.path)
            #expect(add.size == Int64(reader.fileSize) && add.dataChange)
            let stats = try JSONSerialization.jsonObject(with: Data(try #require(add.stats).utf8)) as? [String: Any]
            #expect(stats?["numRecords"] as? Int == reader.rowCount)
            #expect((stats?["nullCount"] as? [String: Int]) == ["id": 0, "ts": 0])
        }
        let hours = adds.map { $0.partitionValues["hour"] ?? nil }.compactMap { $0 }.sorted()
        #expect(hours == ["10", "11"])
        #expect(second.compactMap(\.commitInfo).first?.operation == "STREAMING UPDATE")

        let snapshot = try Self.log(directory).snapshot()
        #expect(snapshot.version == 1 && Set(snapshot.files.keys) == Set(commit.files))
        #expect(snapshot.transactions == [ParquetTableSink.transactionAppId: 1])
    }

    @Test("recovery takes the newer record: the sink's own after a Delta version, or a Delta version after it")
    func newerRecordWins() throws {
        let directory = Sink.directory()
        var sink = try Sink.sink(directory)
        try sink.write(batch: 0, columns: Sink.rows(0..<2))
        _ = try sink.commit(batch: 0, nowMicros: 0, rollAll: true)  // Delta version 1
        try sink.write(batch: 1, columns: Sink.rows(2..<4))
        _ = try sink.commit(batch: 1, nowMicros: 0, rollAll: false)  // _souk_writer/1, one part open
        sink.close()
        sink = try Sink.sink(directory)
        #expect(sink.lastCommittedBatch == 1 && sink.openPartCount == 1)
        try sink.write(batch: 2, columns: Sink.rows(4..<6))
        _ = try sink.commit(batch: 2, nowMicros: 0, rollAll: true)  // Delta version 2 rolls that part
        sink.close()
        // _souk_writer/1 still names the part it left open; version 2 is newer and has none open.
        sink = try Sink.sink(directory)
        #expect(sink.lastCommittedBatch == 2 && sink.openPartCount == 0)
        #expect(try Sink.committed(directory).ids == Sink.ids(0..<6))
        #expect(Sink.inProgress(directory).isEmpty)
        #expect(Set(try Self.log(directory).snapshot().files.keys) == Set(try Sink.committed(directory).files))
    }

    @Test("a version is created put-if-absent: a second commit of it fails and leaves the first whole")
    func putIfAbsent() throws {
        let directory = Sink.directory()
        _ = try Sink.sink(directory)
        let log = Self.log(directory)
        let original = try log.actions(of: 0)
        let other = DeltaAction(txn: DeltaTransaction(appId: "other", version: 7, lastUpdated: nil))
        #expect(throws: DeltaError.versionExists(0)) { try log.commit([other], version: 0) }
        #expect(try log.actions(of: 0) == original)
        try log.commit([other], version: 1)
        #expect(try log.snapshot().transactions["other"] == 7)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: log.directory).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files are removed")
    }

    @Test("a table of an older Souk (_souk_manifest/) is converted once: its parts added, its open part resumed")
    func convertsLegacyManifest() throws {
        let directory = Sink.directory()
        var sink = try Sink.sink(directory)
        try sink.write(batch: 0, columns: Sink.rows(0..<3))
        _ = try sink.commit(batch: 0, nowMicros: 0, rollAll: true)
        try sink.write(batch: 1, columns: Sink.rows(3..<5, hour: 1))
        _ = try sink.commit(batch: 1, nowMicros: 0, rollAll: false)
        sink.close()
        // What an older Souk left: the same files and one manifest entry per batch, no Delta log.
        let files = try Sink.committed(directory).files
        let own = directory + "/_souk_writer/" + "00000000000000000001.json"
        var entry = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: own))) as? [String: Any])
        entry["committed"] = files.map { ["path": $0, "rows": 3, "bytes": 0] }
        let legacy = directory + "/_souk_manifest"
        try FileManager.default.createDirectory(atPath: legacy, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: entry).write(
            to: URL(fileURLWithPath: legacy + "/00000000000000000001.json"))
        try FileManager.default.removeItem(atPath: directory + "/_delta_log")
        try FileManager.default.removeItem(atPath: directory + "/_souk_writer")

        sink = try Sink.sink(directory)
        #expect(!FileManager.default.fileExists(atPath: legacy))
        #expect(sink.lastCommittedBatch == 1 && sink.openPartCount == 1)
        let snapshot = try Self.log(directory).snapshot()
        #expect(snapshot.version == 1 && Set(snapshot.files.keys) == Set(files))
        #expect(snapshot.transactions == [ParquetTableSink.transactionAppId: 1])
        try sink.write(batch: 2, columns: Sink.rows(5..<6, hour: 1))
        _ = try sink.commit(batch: 2, nowMicros: 0, rollAll: true)
        #expect(try Sink.committed(directory).ids == Sink.ids(0..<6))
        #expect(Set(try Self.log(directory).snapshot().files.keys) == Set(try Sink.committed(directory).files))
    }

    @Test("a checkpoint every 10 versions, named by _last_checkpoint; one a crash skipped is written on recovery")
    func checkpoints() throws {
        let directory = Sink.directory()
        var sink = try Sink.sink(directory)
        for batch in Int64(0)..<12 {
            try sink.write(batch: batch, columns: Sink.rows(Int(batch)..<Int(batch + 1)))
            _ = try sink.commit(batch: batch, nowMicros: 0, rollAll: true)
        }
        let log = Self.log(directory)
        #expect(log.versions().last == 12)
        #expect(log.lastCheckpoint() == 10)
        let checkpoint = try ParquetFileReader(path: log.directory + "/" + DeltaCheckpoint.fileName(version: 10))
        // protocol, metaData, txn, and the ten parts the first ten rolls added.
        #expect(checkpoint.rowCount == 13)
        #expect(checkpoint.nestedColumnPaths.contains("add.partitionValues.key_value.key"))
        #expect(checkpoint.nestedColumnPaths.contains("metaData.partitionColumns.list.element"))

        // A crash between version 20 and its checkpoint: the next recovery writes it.
        for batch in Int64(12)..<20 {
            try sink.write(batch: batch, columns: Sink.rows(Int(batch)..<Int(batch + 1)))
            _ = try sink.commit(batch: batch, nowMicros: 0, rollAll: true)
        }
        #expect(log.lastCheckpoint() == 20)
        sink.close()
        try FileManager.default.removeItem(atPath: log.directory + "/" + DeltaCheckpoint.fileName(version: 20))
        try FileManager.default.removeItem(atPath: log.directory + "/_last_checkpoint")
        sink = try Sink.sink(directory)
        #expect(log.lastCheckpoint() == 20)
        #expect(try ParquetFileReader(path: log.directory + "/" + DeltaCheckpoint.fileName(version: 20)).rowCount == 23)

        // The snapshot read from the checkpoint equals the one every commit replays, also once the commits
        // before it are gone.
        var replayed = DeltaSnapshot(version: 20)
        for version in Int64(0)...20 { replayed.apply(try log.actions(of: version)) }
        for version in Int64(0)..<20 {
            try FileManager.default.removeItem(atPath: log.directory + "/" + DeltaLog.fileName(version: version))
        }
        let read = try log.snapshot()
        #expect(read.files == replayed.files && read.transactions == replayed.transactions)
        #expect(read.metadata == replayed.metadata && read.protocol == replayed.protocol)
        #expect(read.version == 20)
        sink = try Sink.sink(directory)
        #expect(sink.lastCommittedBatch == 19)
    }

    @Test("a compaction between two commits of the stream: the stream reads its version and commits the next")
    func compactionBetweenCommits() throws {
        let directory = Sink.directory()
        let sink = try Sink.sink(directory)
        let late = Sink.base + 3 * Sink.hour
        for batch in Int64(0)..<3 {
            try sink.write(batch: batch, columns: Sink.rows(Int(batch) * 2..<Int(batch) * 2 + 2))
            _ = try sink.commit(batch: batch, nowMicros: 0, rollAll: true, watermarkMicros: late)
        }
        #expect(try Sink.committed(directory).files.count == 3)
        let compactor = TableCompactor(directory: directory, sortColumn: "ts")
        let outcome = try compactor.compact(olderThan: .seconds(3600), retain: .seconds(3600), nowMillis: 0)
        #expect(outcome.merges.map(\.parts) == [3] && outcome.watermarkMicros == late)
        #expect(try Sink.committed(directory).files.count == 1)

        try sink.write(batch: 3, columns: Sink.rows(6..<8))
        _ = try sink.commit(batch: 3, nowMicros: 0, rollAll: true, watermarkMicros: late)
        let log = Self.log(directory)
        #expect(log.versions() == [0, 1, 2, 3, 4, 5])
        #expect(try log.actions(of: 4).compactMap(\.commitInfo?.operation) == ["OPTIMIZE"])
        #expect(Set(try log.snapshot().files.keys) == Set(try Sink.committed(directory).files))
        #expect(try Sink.committed(directory).ids == Sink.ids(0..<8))
    }

    @Test("statistics: timestamps widened to whole milliseconds, strings and numbers as they are, nulls counted")
    func statistics() throws {
        let summaries = [
            ParquetColumnSummary(
                column: .timestamp("ts", unit: .micros, isAdjustedToUTC: true), min: .integer(1_500),
                max: .integer(2_001), nullCount: 1),
            ParquetColumnSummary(
                column: .string("city"), min: .string("Agadir"), max: .string("Tangier"), nullCount: 0),
            ParquetColumnSummary(
                column: .double("amount"), min: .double(-1.5), max: .double(.infinity), nullCount: nil),
        ]
        let text = DeltaTableFormat.statistics(rows: 4, summaries: summaries)
        #expect(
            text
                == #"{"maxValues":{"city":"Tangier","ts":"1970-01-01T00:00:00.003Z"},"#
                + #""minValues":{"amount":-1.5,"city":"Agadir","ts":"1970-01-01T00:00:00.001Z"},"#
                + #""nullCount":{"city":0,"ts":1},"numRecords":4}"#)
    }
}
