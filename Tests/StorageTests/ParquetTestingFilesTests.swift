import Foundation
import Testing

@testable import Storage

/// Reads every file of apache/parquet-testing `data/` and compares with what pyarrow read
/// (summaries in `Fixtures/parquet-testing/*.json`, made by `generate.py` there).
@Suite struct ParquetTestingFilesTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dataDirectory = repositoryRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/parquet-testing/data")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/parquet-testing")

    static var fileNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? [])
            .filter { $0.hasSuffix(".parquet.json") }.map { String($0.dropLast(5)) }.sorted()
    }

    struct ColumnSummary: Decodable {
        var nulls: Int
        var checksum: UInt32
        var first: [String?]
        var last: [String?]
    }

    struct FileSummary: Decodable {
        var numRows: Int?
        var columns: [String: ColumnSummary]?
        var nested: [String]?
        var pyarrowError: String?

        enum CodingKeys: String, CodingKey {
            case numRows = "num_rows"
            case columns, nested
            case pyarrowError = "pyarrow_error"
        }
    }

    static var sharedFilesPresent: Bool { FileManager.default.fileExists(atPath: dataDirectory.path) }

    @Test(
        "every parquet-testing data file has a pyarrow fixture",
        .enabled(if: sharedFilesPresent, "../shared/parquet-testing is not beside the repository"))
    func fixturesCoverEveryFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dataDirectory.path)
            .filter { $0.hasSuffix(".parquet") }.sorted()
        #expect(!files.isEmpty)
        #expect(Self.fileNames == files)
    }

    @Test(
        .enabled(if: sharedFilesPresent, "../shared/parquet-testing is not beside the repository"),
        arguments: fileNames)
    func readsLikePyarrow(_ name: String) throws {
        let path = Self.dataDirectory.appendingPathComponent(name).path
        let summary = try JSONDecoder().decode(
            FileSummary.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".json")))
        if summary.pyarrowError != nil {
            // pyarrow cannot read it either: we only require a typed error or values, never a crash.
            _ = try? ParquetFileReader(path: path).readAll()
            return
        }
        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowCount == summary.numRows)
        for nested in summary.nested ?? [] {
            #expect(throws: ParquetError.unsupportedNestedColumn(nested)) {
                try reader.readRowGroup(0, columns: [nested])
            }
        }
        for (columnName, expected) in (summary.columns ?? [:]).sorted(by: { $0.key < $1.key }) {
            let column = try #require(
                reader.schema.columns.first { $0.name == columnName }, "\(name): no column \(columnName)")
            var rows: [String?] = []
            for g in 0..<reader.rowGroupCount {
                let buffer = try reader.readRowGroup(g, columns: [columnName])[0]
                let groupRows = ValueNormalizer.rows(buffer, column: column)
                rows += groupRows
                // A few rows alone (through the offset index, or the page headers) are the same rows.
                let some = Array(
                    Set([0, groupRows.count / 2, groupRows.count - 1].filter { $0 >= 0 && $0 < groupRows.count })
                ).sorted()
                let taken = try reader.readRows(some, ofRowGroup: g, column: columnName)
                #expect(
                    ValueNormalizer.rows(taken, column: column) == some.map { groupRows[$0] },
                    "\(name).\(columnName) rows \(some) of row group \(g)")
            }
            #expect(rows.count == summary.numRows, "\(name).\(columnName)")
            #expect(rows.filter { $0 == nil }.count == expected.nulls, "\(name).\(columnName) nulls")
            #expect(Array(rows.prefix(expected.first.count)) == expected.first, "\(name).\(columnName) first values")
            if !expected.last.isEmpty {
                #expect(Array(rows.suffix(expected.last.count)) == expected.last, "\(name).\(columnName) last values")
            }
            var checksum: UInt32 = 0
            for case let value? in rows { checksum &+= CRC32.checksum(Array(value.utf8)) }
            #expect(checksum == expected.checksum, "\(name).\(columnName) checksum")
        }
    }
}
