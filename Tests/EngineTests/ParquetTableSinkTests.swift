import Engine
import Foundation
import Storage
import Testing

@Suite("Parquet table sink")
struct ParquetTableSinkTests {
    static let hour: Int64 = 3_600_000_000
    /// 2026-11-24T10:00:00Z.
    static let base: Int64 = 1_795_514_400_000_000
    static let schema = ParquetSchema([.string("id"), .timestamp("ts", unit: .micros, isAdjustedToUTC: true)])

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("souk-sink-\(UUID().uuidString)").path
    }

    static func sink(
        _ directory: String, rollBytes: Int64 = 1 << 30, rollAge: Duration = .seconds(60),
        rowGroupRows: Int = 128 * 1024
    ) throws -> ParquetTableSink {
        var configuration = ParquetTableSinkConfiguration(directory: directory, schema: schema, partitionColumn: 1)
        configuration.rollBytes = rollBytes
        configuration.rollAge = rollAge
        configuration.rowGroupRows = rowGroupRows
        let sink = try ParquetTableSink(configuration)
        try sink.recover()
        return sink
    }

    static func rows(_ ids: [String], at times: [Int64]) -> [ParquetColumnBuffer] {
        var values = ParquetByteArrays()
        for id in ids { values.append(id) }
        return [ParquetColumnBuffer(.byteArray(values)), ParquetColumnBuffer(.int64(times))]
    }

    static func rows(_ range: Range<Int>, hour: Int64 = 0) -> [ParquetColumnBuffer] {
        rows(range.map { "r\($0)" }, at: range.map { base + hour * Self.hour + Int64($0) })
    }

    /// Files by relative path, and the ids in every committed part (what a `**/*.parquet` glob sees).
    static func committed(_ directory: String) throws -> (files: [String], ids: [String]) {
        let files = (FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".parquet") }.sorted()
        var ids: [String] = []
        for file in files {
            let reader = try ParquetFileReader(path: directory + "/" + file)
            for group in 0..<reader.rowGroupCount {
                guard case .byteArray(let values) = try reader.readRowGroup(group)[0].values else { continue }
                ids += (0..<values.count).map { values.string(at: $0) }
            }
        }
        return (files, ids.sorted())
    }

    static func ids(_ range: Range<Int>) -> [String] { range.map { "r\($0)" }.sorted() }

    static func inProgress(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".inprogress") }
    }

    @Test("rows land in their date/hour partition; open parts are invisible until they roll")
    func partitions() throws {
        let directory = Self.directory()
        let sink = try Self.sink(directory)
        try sink.write(batch: 0, columns: Self.rows(0..<10) + [])
        try sink.write(batch: 0, columns: Self.rows(["a", "b"], at: [Self.base + 15 * Self.hour, Self.base - 1]))
        var commit = try sink.commit(batch: 0, nowMicros: 0, rollAll: false)
        #expect(commit.files.isEmpty && commit.rows == 12 && commit.openParts == 3)
        #expect(try Self.committed(directory).files.isEmpty)
        #expect(Self.inProgress(directory).count == 3)
        commit = try sink.commit(batch: 1, nowMicros: 1, rollAll: true)
        let (files, ids) = try Self.committed(directory)
        #expect(commit.files == files)
        #expect(
            files.map { String($0.prefix(24)) } == [
                "date=2026-11-24/hour=09/", "date=2026-11-24/hour=10/", "date=2026-11-25/hour=01/",
            ])
        #expect(ids == (Self.ids(0..<10) + ["a", "b"]).sorted())
        #expect(Self.inProgress(directory).isEmpty)
    }

    @Test("a part rolls by age and by size, and keeps its row groups across batches (when they are full)")
    func rolling() throws {
        let directory = Self.directory()
        let sink = try Self.sink(directory, rollAge: .seconds(60), rowGroupRows: 4)
        try sink.write(batch: 0, columns: Self.rows(0..<5))
        _ = try sink.commit(batch: 0, nowMicros: 0, rollAll: false)
        try sink.write(batch: 1, columns: Self.rows(5..<9))
        #expect(try sink.commit(batch: 1, nowMicros: 59_000_000, rollAll: false).files.isEmpty)
        #expect(!sink.partsDue(nowMicros: 59_999_999) && sink.partsDue(nowMicros: 60_000_000))
        let aged = try sink.commit(batch: 2, nowMicros: 60_000_000, rollAll: false)
        #expect(aged.files.count == 1)
        let reader = try ParquetFileReader(path: directory + "/" + aged.files[0])
        #expect(reader.rowGroupCount == 2)
        #expect(try Self.committed(directory).ids == Self.ids(0..<9))

        let small = Self.directory()
        let bySize = try Self.sink(small, rollBytes: 1024)
        try bySize.write(batch: 0, columns: Self.rows(0..<300))
        #expect(try bySize.commit(batch: 0, nowMicros: 0, rollAll: false).files.count == 1)
    }

    @Test("a rolling part of small row groups (one per batch) is rewritten into full ones, rows in order")
    func smallRowGroupsRewritten() throws {
        let directory = Self.directory()
        let sink = try Self.sink(directory, rowGroupRows: 100)
        for batch in 0..<30 {
            try sink.write(batch: Int64(batch), columns: Self.rows(batch * 7..<(batch + 1) * 7))
            _ = try sink.commit(batch: Int64(batch), nowMicros: 0, rollAll: false)
        }
        let open = try #require(Self.inProgress(directory).first)
        let commit = try sink.commit(batch: 30, nowMicros: 0, rollAll: true)
        let file = try #require(commit.files.first)
        #expect(commit.files.count == 1)
        // A new part next to the old one: the same batch in its name, another random suffix.
        #expect(file != String(open.dropLast(".inprogress".count)))
        #expect(file.hasPrefix("date=2026-11-24/hour=10/part-00000000000000000000-"))
        let reader = try ParquetFileReader(path: directory + "/" + file)
        #expect((0..<reader.rowGroupCount).map(reader.rowCount(ofRowGroup:)) == [100, 100, 10])
        var ids: [String] = []
        for group in 0..<reader.rowGroupCount {
            guard case .byteArray(let values) = try reader.readRowGroup(group)[0].values else { continue }
            ids += (0..<values.count).map { values.string(at: $0) }
        }
        #expect(ids == (0..<210).map { "r\($0)" })
        #expect(Self.inProgress(directory).isEmpty)
        #expect(try Self.committed(directory).files == [file])
        // The Delta commit adds the rewritten part: a restart keeps it and removes nothing.
        sink.close()
        _ = try Self.sink(directory, rowGroupRows: 100)
        #expect(try Self.committed(directory).ids == Self.ids(0..<210))
    }

    @Test("a part whose batches filled their row groups is committed as written")
    func fullRowGroupsKept() throws {
        let directory = Self.directory()
        let sink = try Self.sink(directory, rowGroupRows: 100)
        for batch in 0..<3 {
            try sink.write(batch: Int64(batch), columns: Self.rows(batch * 150..<(batch + 1) * 150))
            _ = try sink.commit(batch: Int64(batch), nowMicros: 0, rollAll: false)
        }
        let open = try #require(Self.inProgress(directory).first)
        try sink.write(batch: 3, columns: Self.rows(450..<460))
        let file = try #require(try sink.commit(batch: 3, nowMicros: 0, rollAll: true).files.first)
        #expect(file == String(open.dropLast(".inprogress".count)))
        let reader = try ParquetFileReader(path: directory + "/" + file)
        #expect((0..<reader.rowGroupCount).map(reader.rowCount(ofRowGroup:)) == [150, 150, 150, 10])
    }

    @Test("a crash while a part is rewritten, before its commit: the old part stays open, the new one goes")
    func crashDuringRewrite() throws {
        let directory = Self.directory()
        do {
            let sink = try Self.sink(directory, rowGroupRows: 100)
            for batch in 0..<5 {
                try sink.write(batch: Int64(batch), columns: Self.rows(batch * 3..<(batch + 1) * 3))
                _ = try sink.commit(batch: Int64(batch), nowMicros: 0, rollAll: false)
            }
            sink.close()
        }
        let open = try #require(Self.inProgress(directory).first)
        // What the rewrite leaves when the process dies before the commit: the old part with its footer
        // written after the recorded length, and a complete new part that no commit adds.
        let old = try #require(FileHandle(forWritingAtPath: directory + "/" + open))
        old.seekToEndOfFile()
        old.write(Data(repeating: 0x42, count: 300))
        try old.close()
        let writer = try ParquetFileWriter(
            part: directory + "/" + ParquetTableSink.rewrittenName(of: String(open.dropLast(".inprogress".count)))
                + ".inprogress", schema: Self.schema)
        try writer.append(Self.rows(0..<15))
        try writer.close()
        #expect(Self.inProgress(directory).count == 2)

        let sink = try Self.sink(directory, rowGroupRows: 100)
        #expect(sink.lastCommittedBatch == 4)
        #expect(Self.inProgress(directory) == [open])
        try sink.write(batch: 5, columns: Self.rows(15..<20))
        _ = try sink.commit(batch: 5, nowMicros: 0, rollAll: true)
        #expect(try Self.committed(directory).ids == Self.ids(0..<20))
        #expect(try Self.committed(directory).files.count == 1)
    }

    @Test("a replayed batch the sink already committed is skipped")
    func replaySkipped() throws {
        let directory = Self.directory()
        var sink = try Self.sink(directory)
        try sink.write(batch: 0, columns: Self.rows(0..<4))
        _ = try sink.commit(batch: 0, nowMicros: 0, rollAll: false)
        sink.close()
        sink = try Self.sink(directory)
        #expect(sink.lastCommittedBatch == 0)
        try sink.write(batch: 0, columns: Self.rows(0..<4))
        #expect(try sink.commit(batch: 0, nowMicros: 0, rollAll: true).files.isEmpty)
        try sink.write(batch: 1, columns: Self.rows(4..<6))
        _ = try sink.commit(batch: 1, nowMicros: 0, rollAll: true)
        #expect(try Self.committed(directory).ids == Self.ids(0..<6))
    }

    @Test("after a crash mid-batch the open part is cut back to its committed length and continued")
    func cutBack() throws {
        let directory = Self.directory()
        do {
            let sink = try Self.sink(directory)
            try sink.write(batch: 0, columns: Self.rows(0..<5))
            _ = try sink.commit(batch: 0, nowMicros: 0, rollAll: false)
            try sink.write(batch: 1, columns: Self.rows(5..<50))  // never committed: the process "dies"
        }
        let part = try #require(Self.inProgress(directory).first)
        let grown = try FileManager.default.attributesOfItem(atPath: directory + "/" + part)[.size] as? Int ?? 0
        let sink = try Self.sink(directory)
        #expect(sink.lastCommittedBatch == 0)
        let cut = try FileManager.default.attributesOfItem(atPath: directory + "/" + part)[.size] as? Int ?? 0
        #expect(cut < grown)
        try sink.write(batch: 1, columns: Self.rows(5..<8))
        _ = try sink.commit(batch: 1, nowMicros: 0, rollAll: true)
        #expect(try Self.committed(directory).ids == Self.ids(0..<8))
    }

    @Test("a crash between the Delta commit and the rename is rolled forward; orphans are removed")
    func rollForwardAndOrphans() throws {
        let directory = Self.directory()
        var sink = try Self.sink(directory)
        try sink.write(batch: 0, columns: Self.rows(0..<3))
        let commit = try sink.commit(batch: 0, nowMicros: 0, rollAll: true)
        sink.close()
        let file = try #require(commit.files.first)
        // Undo the rename, as if the process died right after the Delta commit.
        try FileManager.default.moveItem(atPath: directory + "/" + file, toPath: directory + "/" + file + ".inprogress")
        let orphan = directory + "/date=2026-11-24/hour=10/part-00000000000000000007-deadbeef.parquet.inprogress"
        #expect(FileManager.default.createFile(atPath: orphan, contents: Data("junk".utf8)))
        let temporary = directory + "/date=2026-11-24/hour=10/.part.1234.tmp"
        #expect(FileManager.default.createFile(atPath: temporary, contents: Data("junk".utf8)))
        sink = try Self.sink(directory)
        #expect(try Self.committed(directory).ids == Self.ids(0..<3))
        #expect(Self.inProgress(directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: temporary))
    }

    @Test("a torn newest record of the sink's own falls back to the previous one; only 100 are kept")
    func manifests() throws {
        let directory = Self.directory()
        var sink = try Self.sink(directory)
        for batch in Int64(0)..<105 {
            try sink.write(batch: batch, columns: Self.rows(Int(batch)..<Int(batch + 1)))
            _ = try sink.commit(batch: batch, nowMicros: 0, rollAll: false)
        }
        let manifests = directory + "/_souk_writer"
        let names = try FileManager.default.contentsOfDirectory(atPath: manifests).sorted()
        #expect(names.count == 100)
        #expect(names.first == "00000000000000000005.json")
        sink.close()
        try Data("{\"batch\": 10".utf8).write(to: URL(fileURLWithPath: manifests + "/00000000000000000105.json"))
        sink = try Self.sink(directory)
        #expect(sink.lastCommittedBatch == 104)
        _ = try sink.commit(batch: 105, nowMicros: 0, rollAll: true)
        #expect(try Self.committed(directory).ids == Self.ids(0..<105))
    }
}
