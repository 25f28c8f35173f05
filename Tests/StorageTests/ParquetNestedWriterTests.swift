import Testing

@testable import Storage

@Suite("Parquet nested writer")
struct ParquetNestedWriterTests {
    /// Dremel's document example, as Parquet lays it out: an optional struct holding a list of optional
    /// strings and a map of strings to optional longs.
    static let schema: [ParquetNode] = [
        .leaf(.int64("id", .required)),
        .group(
            name: "doc", repetition: .optional,
            children: [
                .list(name: "tags", repetition: .optional, element: .leaf(.string("element"))),
                .map(name: "counts", repetition: .optional, key: .string("key"), value: .leaf(.int64("value"))),
            ]),
    ]

    static let records: [[ParquetValue]] = [
        [.int64(1), .group([.list([.string("a"), .null, .string("b")]), .map([.init(.string("x"), .int64(7))])])],
        [.int64(2), .null],
        [.int64(3), .group([.list([]), .null])],
        [.int64(4), .group([.null, .map([.init(.string("y"), .null), .init(.string("z"), .int64(9))])])],
    ]

    @Test("levels: nulls at every depth, empty lists, repeated entries, as Dremel's algorithm shreds them")
    func levels() throws {
        let leaves = try ParquetNestedWriter.shred(schema: Self.schema, records: Self.records)
        #expect(
            leaves.map(\.path) == [
                ["id"], ["doc", "tags", "list", "element"], ["doc", "counts", "key_value", "key"],
                ["doc", "counts", "key_value", "value"],
            ])
        #expect(leaves.map(\.maxDefinition) == [0, 4, 3, 4])
        #expect(leaves.map(\.maxRepetition) == [0, 1, 1, 1])
        let tags = leaves[1]
        #expect(tags.definitions == [4, 3, 4, 0, 2, 1])
        #expect(tags.repetitions == [0, 1, 1, 0, 0, 0])
        #expect(tags.values == [.string("a"), .string("b")])
        let keys = leaves[2]
        #expect(keys.definitions == [3, 0, 1, 3, 3])
        #expect(keys.repetitions == [0, 0, 0, 0, 1])
        let values = leaves[3]
        #expect(values.definitions == [4, 0, 1, 3, 4])
        #expect(values.values == [.int64(7), .int64(9)])
    }

    @Test("the footer: nested schema elements with LIST and MAP, one chunk per leaf with its level count")
    func footer() throws {
        let file = try ParquetNestedWriter.encode(schema: Self.schema, records: Self.records)
        let reader = try ParquetFileReader(bytes: file)
        #expect(reader.rowCount == 4)
        #expect(reader.schema.columns.map(\.name) == ["id"])
        #expect(
            reader.nestedColumnPaths == [
                "doc.tags.list.element", "doc.counts.key_value.key", "doc.counts.key_value.value",
            ])
        let elements = reader.metadata.schema
        #expect(elements.first { $0.name == "tags" }?.convertedType == .list)
        #expect(elements.first { $0.name == "counts" }?.convertedType == .map)
        #expect(elements.first { $0.name == "key_value" }?.repetition == .repeated)
        let counts = reader.metadata.rowGroups[0].columns.map { $0.metaData?.numValues }
        #expect(counts == [4, 6, 5, 5])
        guard case .int64(let ids) = try reader.readRowGroup(0, columns: ["id"])[0].values else {
            Issue.record("id is not INT64")
            return
        }
        #expect(ids == [1, 2, 3, 4])
    }

    @Test("the reader assembles the records the writer shredded, and sees the same shapes")
    func roundTrip() throws {
        let reader = try ParquetFileReader(
            bytes: try ParquetNestedWriter.encode(schema: Self.schema, records: Self.records))
        #expect(try reader.readRecords(ofRowGroup: 0) == Self.records)
        let schema = try reader.nestedSchema()
        #expect(schema.map(\.name) == ["id", "doc"])
        guard case .group(_, .optional, let children) = schema[1], children.count == 2,
            case .list(_, .optional, .leaf(let element)) = children[0],
            case .map(_, .optional, let key, .leaf(let value)) = children[1]
        else {
            Issue.record("doc read back as \(schema[1])")
            return
        }
        #expect(element.logicalType == .string && key.repetition == .required && value.physicalType == .int64)
    }

    @Test("a value that does not fit its node, or a null in a required one, is refused")
    func refusesMismatches() {
        #expect(throws: ParquetError.self) {
            try ParquetNestedWriter.encode(schema: Self.schema, records: [[.null, .null]])
        }
        #expect(throws: ParquetError.self) {
            try ParquetNestedWriter.encode(schema: Self.schema, records: [[.int64(1), .list([])]])
        }
        #expect(throws: ParquetError.self) {
            try ParquetNestedWriter.encode(schema: Self.schema, records: [[.int64(1)]])
        }
    }
}
