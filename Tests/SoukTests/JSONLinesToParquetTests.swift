import Foundation
import Testing

@testable import Souk

@Suite("JSON lines to Parquet, block by block")
struct JSONLinesToParquetTests {
    /// Converts `lines` with blocks of `blockBytes` on `workers` threads and reads the file back as
    /// JSON lines.
    static func roundTrip(
        _ lines: [String], blockBytes: Int, workers: Int, skipBad: Bool = false
    ) throws -> (rows: [String], summary: JSONLinesToParquet.Summary, reported: [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("souk-convert-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var conversion = JSONLinesToParquet()
        conversion.blockBytes = blockBytes
        conversion.parallelism = workers
        conversion.sampleLines = 10
        conversion.skipBad = skipBad
        var reported: [String] = []
        let parquet = directory.appendingPathComponent("out.parquet").path
        let summary = try conversion.run(input: Data(lines.joined(separator: "\n").utf8), output: parquet) {
            reported.append($0)
        }
        let back = directory.appendingPathComponent("back.jsonl").path
        _ = try ParquetToJSONLines().run(input: parquet, output: back)
        let text = try String(contentsOfFile: back, encoding: .utf8)
        return (text.split(separator: "\n").map(String.init), summary, reported)
    }

    @Test("rows come out in input order when many small blocks are decoded on several threads")
    func order() throws {
        let lines = (0..<5_000).map { #"{"n": \#($0), "s": "row \#($0)"}"# }
        for workers in [1, 2, 3] {
            let result = try Self.roundTrip(lines, blockBytes: 64, workers: workers)
            #expect(result.summary.rows == 5_000)
            #expect(result.rows == lines, "workers: \(workers)")
        }
    }

    @Test("bad lines are numbered from the start of the input whatever block they fall in")
    func badLineNumbers() throws {
        var lines = (0..<2_000).map { #"{"n": \#($0)}"# }
        for bad in [1_500, 700, 42] { lines[bad] = "{not json" }
        let result = try Self.roundTrip(lines, blockBytes: 100, workers: 2, skipBad: true)
        #expect(result.summary.skippedLines == [43, 701, 1_501])
        #expect(result.summary.rows == 1_997)
        #expect(result.rows.count == 1_997)
        #expect(result.reported.count == 3 && result.reported[1].contains("line 701"))
    }

    @Test("a line past the sample that does not fit stops the workers and the whole input is read again")
    func provisionalSchemaGivesUp() throws {
        var lines = (0..<3_000).map { #"{"n": \#($0)}"# }
        lines[2_500] = #"{"n": 2500, "late": "x"}"#
        let result = try Self.roundTrip(lines, blockBytes: 64, workers: 2)
        #expect(result.summary.rows == 3_000)
        #expect(result.summary.columns.map(\.name) == ["n", "late"])
        #expect(result.rows[2_500] == #"{"n": 2500, "late": "x"}"#)
        #expect(result.rows[0] == #"{"n": 0, "late": null}"#)
    }
}
