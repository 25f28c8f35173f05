import Foundation
import NIOCore
import Testing

@testable import Storage

/// Writer → reader round trips over generated data.
@Suite struct ParquetRoundTripTests {
    typealias Config = ParquetWriterConfiguration

    /// Every column of `batches` as normalised strings per row.
    static func rows(_ batches: [[ParquetColumnBuffer]], schema: ParquetSchema) -> [[String?]] {
        schema.columns.indices.map { c in batches.flatMap { ValueNormalizer.rows($0[c], column: schema.columns[c]) } }
    }

    static func roundTrip(_ batches: [[ParquetColumnBuffer]], schema: ParquetSchema, _ config: Config) throws
        -> ParquetFileReader
    {
        let writer = try ParquetFileWriter(schema: schema, configuration: config)
        for batch in batches { try writer.append(batch) }
        let buffer = try writer.finishInMemory()
        let reader = try ParquetFileReader(buffer: buffer)
        #expect(reader.schema == schema)
        #expect(rows(try reader.readAll(), schema: schema) == rows(batches, schema: schema))
        return reader
    }

    static let configurations: [(String, Config.Compression, Config.DataPageVersion)] = [
        ("none-v1", .none, .v1), ("snappy-v1", .snappy, .v1), ("gzip-v1", .gzip(), .v1), ("zstd-v1", .zstd(), .v1),
        ("lz4raw-v1", .lz4Raw, .v1), ("none-v2", .none, .v2), ("snappy-v2", .snappy, .v2),
        ("zstd-v2", .zstd(level: 3), .v2),
    ]

    /// Configuration `name` of `configurations`: small pages and row groups, and delta and
    /// byte-stream-split encodings on some columns.
    static func sampleConfig(_ name: String) throws -> Config {
        let (_, compression, version) = try #require(configurations.first { $0.0 == name })
        var config = Config()
        config.compression = compression
        config.dataPageVersion = version
        config.pageRowLimit = 700
        config.rowGroupRowLimit = 2000
        config.columnOptions["qty"] = .init(dictionary: false, encoding: .deltaBinaryPacked)
        config.columnOptions["ts"] = .init(dictionary: false, encoding: .deltaBinaryPacked)
        config.columnOptions["price"] = .init(dictionary: false, encoding: .byteStreamSplit)
        config.columnOptions["ratio"] = .init(dictionary: false, encoding: .byteStreamSplit)
        return config
    }

    @Test(arguments: configurations.map(\.0))
    func everyTypeEveryCodec(_ name: String) throws {
        var config = try Self.sampleConfig(name)
        config.writePageChecksums = true
        let batches = [
            SampleBatches.batch(rows: 3000), SampleBatches.batch(rows: 1, start: 3000),
            SampleBatches.batch(rows: 1999, start: 3001),
        ]
        let writer = try ParquetFileWriter(schema: SampleBatches.schema, configuration: config)
        for batch in batches { try writer.append(batch) }
        var readConfig = ParquetReaderConfiguration()
        readConfig.verifyChecksums = true
        let reader = try ParquetFileReader(buffer: try writer.finishInMemory(), configuration: readConfig)
        #expect(reader.rowGroupCount == 3)
        #expect(reader.rowCount == 5000)
        #expect(
            Self.rows(try reader.readAll(), schema: SampleBatches.schema)
                == Self.rows(batches, schema: SampleBatches.schema))
        // Sizes and offsets as readers require them.
        for group in reader.metadata.rowGroups {
            var compressed: Int64 = 0
            for chunk in group.columns {
                let meta = try #require(chunk.metaData)
                #expect(meta.numValues == group.numRows)
                #expect(chunk.fileOffset == (meta.dictionaryPageOffset ?? meta.dataPageOffset))
                compressed += meta.totalCompressedSize
                #expect(chunk.offsetIndexOffset != nil && chunk.columnIndexOffset != nil)
            }
            #expect(group.totalCompressedSize == compressed)
        }
    }

    @Test("columns encoded on several threads give the same bytes as one after another", arguments: [false, true])
    func parallelColumnsWriteTheSameFile(dictionaryFallback: Bool) throws {
        func write(parallel: Bool) throws -> [UInt8] {
            var config = Config()
            config.parallelColumns = parallel
            config.pageRowLimit = 3000
            if dictionaryFallback { config.dictionaryPageSizeLimit = 2048 }
            let writer = try ParquetFileWriter(schema: SampleBatches.schema, configuration: config)
            // Slices above and below the size that goes parallel, and a row group flushed on close.
            try writer.append(SampleBatches.batch(rows: 20_000))
            try writer.flushRowGroup()
            try writer.append(SampleBatches.batch(rows: 100, start: 20_000))
            try writer.append(SampleBatches.batch(rows: 70_000, start: 20_100))
            let buffer = try writer.finishInMemory()
            return Array(buffer.readableBytesView)
        }
        let serial = try write(parallel: false)
        let parallel = try write(parallel: true)
        #expect(parallel.count == serial.count)
        #expect(parallel == serial)
        let reader = try ParquetFileReader(buffer: ByteBuffer(bytes: parallel))
        #expect(reader.rowCount == 90_100)
        #expect(
            Self.rows(try reader.readAll(), schema: SampleBatches.schema)
                == Self.rows(
                    [
                        SampleBatches.batch(rows: 20_000), SampleBatches.batch(rows: 100, start: 20_000),
                        SampleBatches.batch(rows: 70_000, start: 20_100),
                    ], schema: SampleBatches.schema))
    }

    @Test func emptyFileAndOneRow() throws {
        let schema = ParquetSchema([.int64("a", .required), .string("s")])
        let empty = try Self.roundTrip([], schema: schema, Config())
        #expect(empty.rowCount == 0)
        #expect(empty.rowGroupCount == 0)
        let one = try Self.roundTrip(
            [
                [
                    ParquetColumnBuffer(.int64([Int64.min])),
                    ParquetColumnBuffer(.byteArray(ParquetByteArrays(strings: [""])), validity: [true]),
                ]
            ],
            schema: schema, Config())
        #expect(one.rowCount == 1)
        let nullOnly = try Self.roundTrip(
            [
                [
                    ParquetColumnBuffer(.int64([1, 2])),
                    ParquetColumnBuffer(.byteArray(ParquetByteArrays()), validity: [false, false]),
                ]
            ],
            schema: schema, Config())
        #expect(nullOnly.metadata.rowGroups[0].columns[1].metaData?.statistics?.nullCount == 2)
        #expect(nullOnly.metadata.rowGroups[0].columns[1].metaData?.statistics?.minValue == nil)
    }

    @Test func dictionaryFallsBackToPlain() throws {
        let schema = ParquetSchema([.string("s", .required)])
        var config = Config()
        config.dictionaryPageSizeLimit = 4096
        config.pageRowLimit = 500
        let strings = ParquetByteArrays(strings: (0..<5000).map { "value-\($0 % 3000)-ünïcode" })
        let reader = try Self.roundTrip([[ParquetColumnBuffer(.byteArray(strings))]], schema: schema, config)
        let meta = try #require(reader.metadata.rowGroups[0].columns[0].metaData)
        #expect(meta.encodings.contains(.rleDictionary))
        #expect(meta.encodings.contains(.plain))
        #expect(meta.dictionaryPageOffset == 4)
        #expect(meta.encodingStats?.contains { $0.encoding == .plain && $0.pageType == .dataPage } == true)
    }

    @Test(
        "reading some rows of a column gives those rows of the whole read, for every type, codec and page version",
        arguments: configurations.map(\.0))
    func readRowsTakesThoseRows(_ name: String) throws {
        let writer = try ParquetFileWriter(schema: SampleBatches.schema, configuration: try Self.sampleConfig(name))
        try writer.append(SampleBatches.batch(rows: 5000))
        let reader = try ParquetFileReader(buffer: try writer.finishInMemory())
        for group in 0..<reader.rowGroupCount {
            let count = reader.rowCount(ofRowGroup: group)
            let rows = Array(Set([0, 1, 2, 699, 700, 1401, count - 1].filter { $0 < count })).sorted()
            let whole = try reader.readRowGroup(group)
            for (index, column) in SampleBatches.schema.columns.enumerated() {
                let taken = try reader.readRows(rows, ofRowGroup: group, column: column.name)
                let expected = ValueNormalizer.rows(whole[index], column: column)
                #expect(ValueNormalizer.rows(taken, column: column) == rows.map { expected[$0] }, "\(column.name)")
            }
            #expect(try reader.readRows([], ofRowGroup: group, column: "name").rowCount == 0)
        }
        #expect(throws: ParquetError.self) { try reader.readRows([5, 3], ofRowGroup: 0, column: "id") }
        #expect(throws: ParquetError.self) { try reader.readRows([2000], ofRowGroup: 0, column: "id") }
    }

    @Test(
        "reading some rows reads only the pages that hold them (with or without an offset index): a broken one is never met",
        arguments: [true, false])
    func readRowsSkipsOtherPages(pageIndex: Bool) throws {
        let schema = ParquetSchema([.string("id", .required)])
        var config = Config()
        config.writePageIndex = pageIndex
        config.compression = .none
        config.dictionaryEnabled = false
        config.pageRowLimit = 500
        let ids = ParquetByteArrays(strings: (0..<5000).map { String(format: "id-%05d", $0) })
        let writer = try ParquetFileWriter(schema: schema, configuration: config)
        try writer.append([ParquetColumnBuffer(.byteArray(ids))])
        var bytes = Array(try writer.finishInMemory().readableBytesView)
        // Breaks the length of row 2600's value (in the sixth page): it now runs past its page.
        let value = Array("id-02600".utf8)
        let at = try #require(
            (0..<(bytes.count - value.count)).first { bytes[$0..<($0 + value.count)].elementsEqual(value) })
        bytes.replaceSubrange((at - 4)..<at, with: [0xFF, 0xFF, 0, 0])
        let reader = try ParquetFileReader(bytes: bytes)
        #expect((reader.metadata.rowGroups[0].columns[0].offsetIndexOffset != nil) == pageIndex)
        // One row reads one page of the ten (6 kB each; the chunk is 60 kB) and, without an index, a
        // few hundred bytes for each page header before it.
        let opened = reader.bytesRead
        _ = try reader.readRows([3100], ofRowGroup: 0, column: "id")
        #expect(reader.bytesRead - opened < 12_000, "read \(reader.bytesRead - opened) bytes for one row")
        #expect(throws: ParquetError.self) { try reader.readRowGroup(0) }
        #expect(throws: ParquetError.self) { try reader.readRows([2600], ofRowGroup: 0, column: "id") }
        let taken = try reader.readRows([0, 499, 500, 2499, 3000, 4999], ofRowGroup: 0, column: "id")
        guard case .byteArray(let values) = taken.values else {
            Issue.record("not byte arrays")
            return
        }
        #expect(
            (0..<values.count).map { values.string(at: $0) } == [
                "id-00000", "id-00499", "id-00500", "id-02499", "id-03000", "id-04999",
            ])
    }

    @Test(
        "a dictionary-encoded chunk reads as its dictionary and indices, plain pages after a full dictionary as new entries; nulls or plain numbers do not"
    )
    func dictionaryColumns() throws {
        let schema = ParquetSchema([
            .string("city", .required), .string("id", .required), .string("maybe"), .int64("n", .required),
        ])
        var config = Config()
        config.dictionaryPageSizeLimit = 4096
        config.pageRowLimit = 500
        let cities = ParquetByteArrays(strings: (0..<5000).map { ["Rabat", "Fès", "Agadir"][$0 * 7 % 3] })
        let ids = ParquetByteArrays(strings: (0..<5000).map { "id-\($0)-long-enough-to-fill-the-dictionary" })
        let maybe = ParquetByteArrays(strings: (0..<4500).map { _ in "x" })
        let validity = (0..<5000).map { $0 % 10 != 0 }
        let reader = try Self.roundTrip(
            [
                [
                    ParquetColumnBuffer(.byteArray(cities)), ParquetColumnBuffer(.byteArray(ids)),
                    ParquetColumnBuffer(.byteArray(maybe), validity: validity),
                    ParquetColumnBuffer(.int64((0..<5000).map { Int64($0) * 1_000_003 })),
                ]
            ], schema: schema, config)
        let column = try #require(try reader.readDictionaryColumn(0, column: "city"))
        guard case .byteArray(let dictionary) = column.dictionary else {
            Issue.record("not a byte-array dictionary")
            return
        }
        #expect(dictionary.count == 3 && column.indices.count == 5000)
        #expect(column.indices.map { dictionary.string(at: Int($0)) } == (0..<5000).map { cities.string(at: $0) })
        let fallback = try #require(try reader.readDictionaryColumn(0, column: "id"))
        guard case .byteArray(let entries) = fallback.dictionary else {
            Issue.record("not a byte-array dictionary")
            return
        }
        let pageEncodings = try #require(reader.metadata.rowGroups[0].columns[1].metaData?.encodingStats)
        #expect(pageEncodings.contains { $0.encoding == .plain && $0.pageType == .dataPage }, "the writer fell back")
        #expect(entries.count == 5000, "every id is distinct: one entry each, from the dictionary or a plain page")
        #expect(fallback.indices.map { entries.string(at: Int($0)) } == (0..<5000).map { ids.string(at: $0) })
        #expect(try reader.readDictionaryColumn(0, column: "maybe") == nil, "holds nulls")
        #expect(try reader.readDictionaryColumn(0, column: "n") == nil, "numbers fall back to plain pages")
    }

    @Test func statisticsFollowTypeDefinedOrder() throws {
        let schema = ParquetSchema([
            .integer("u", bitWidth: 32, isSigned: false, .required), .int32("i", .required), .double("d", .required),
            .string("s", .required),
        ])
        let long = String(repeating: "z", count: 100)
        let batch = [
            ParquetColumnBuffer(.int32([-1, 5, 0])), ParquetColumnBuffer(.int32([-1, 5, 0])),
            ParquetColumnBuffer(.double([.nan, -0.0, 3])),
            ParquetColumnBuffer(.byteArray(ParquetByteArrays(strings: ["b", long, "Z", "é"]).prefix3)),
        ]
        let reader = try Self.roundTrip([batch], schema: schema, Config())
        let stats = reader.metadata.rowGroups[0].columns.map { $0.metaData?.statistics }
        #expect(stats[0]?.minValue == [0, 0, 0, 0])
        #expect(stats[0]?.maxValue == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(stats[1]?.minValue == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(stats[1]?.maxValue == [5, 0, 0, 0])
        #expect(stats[2]?.minValue == withUnsafeBytes(of: (-0.0 as Double).bitPattern.littleEndian, Array.init))
        #expect(stats[2]?.maxValue == withUnsafeBytes(of: (3.0 as Double).bitPattern.littleEndian, Array.init))
        #expect(stats[3]?.minValue == Array("Z".utf8))
        #expect(stats[3]?.maxValue == Array(String(repeating: "z", count: 63).utf8) + [0x7B])
        #expect(stats[3]?.isMaxValueExact == false)
        #expect(reader.metadata.columnOrders == [.typeDefined, .typeDefined, .typeDefined, .typeDefined])
    }

    @Test func predicatesSkipRowGroups() throws {
        let schema = ParquetSchema([.int64("id", .required), .string("s", .required)])
        var config = Config()
        config.rowGroupRowLimit = 100
        let ids = (0..<300).map { Int64($0) }
        let strings = ParquetByteArrays(strings: ids.map { String(format: "k%04d", $0) })
        let reader = try Self.roundTrip(
            [[ParquetColumnBuffer(.int64(ids)), ParquetColumnBuffer(.byteArray(strings))]], schema: schema, config)
        #expect(try reader.rowGroups(matching: .init(column: "id", .equal, .integer(150))) == [1])
        #expect(try reader.rowGroups(matching: .init(column: "id", .less, .integer(100))) == [0])
        #expect(try reader.rowGroups(matching: .init(column: "id", .lessOrEqual, .integer(100))) == [0, 1])
        #expect(try reader.rowGroups(matching: .init(column: "id", .greater, .integer(199))) == [2])
        #expect(try reader.rowGroups(matching: .init(column: "id", .greaterOrEqual, .integer(500))) == [])
        #expect(try reader.rowGroups(matching: .init(column: "s", .equal, .string("k0250"))) == [2])
        #expect(throws: ParquetError.unknownColumn("nope")) {
            try reader.rowGroups(matching: .init(column: "nope", .equal, .integer(1)))
        }
    }

    @Test func projectionReadsOnlyRequestedColumns() throws {
        let batch = SampleBatches.batch(rows: 50)
        let writer = try ParquetFileWriter(schema: SampleBatches.schema)
        try writer.append(batch)
        let reader = try ParquetFileReader(buffer: try writer.finishInMemory())
        let columns = try reader.readRowGroup(0, columns: ["price", "id"])
        #expect(columns.count == 2)
        #expect(columns[1] == batch[0])
        #expect(columns[0].rowCount == 50)
    }

    @Test func fileAppearsOnlyOnClose() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "souk-parquet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("part-0.parquet").path
        do {
            let writer = try ParquetFileWriter(path: path, schema: SampleBatches.schema)
            try writer.append(SampleBatches.batch(rows: 10))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        // Dropped without close: nothing left behind, not even the temporary file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        let writer = try ParquetFileWriter(path: path, schema: SampleBatches.schema)
        try writer.append(SampleBatches.batch(rows: 10))
        try writer.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["part-0.parquet"])
        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowCount == 10)
        #expect(reader.createdBy == "souk version \(SoukVersion.current)")
    }

    @Test func rejectsBatchesThatDoNotMatchTheSchema() throws {
        let writer = try ParquetFileWriter(schema: ParquetSchema([.int64("a", .required)]))
        #expect(throws: ParquetError.self) { try writer.append([ParquetColumnBuffer(.int32([1]))]) }
        #expect(throws: ParquetError.self) { try writer.append([ParquetColumnBuffer(.int64([1]), validity: [false])]) }
        #expect(throws: ParquetError.self) { try writer.append([]) }
    }
}

extension ParquetByteArrays {
    /// The first three values (keeps the statistics test's intent readable).
    fileprivate var prefix3: ParquetByteArrays {
        var result = ParquetByteArrays()
        for i in 0..<3 { result.append(self[i]) }
        return result
    }
}
