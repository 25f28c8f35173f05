import Engine
import Foundation
import Storage

/// Converts a JSON-lines file to Parquet through the engine's decoder (`JSONColumnDecoder`), blocks of
/// lines decoded side by side on every core and written in order. The schema is given (the transaction
/// schema) or inferred: first from a sample of lines, and again from every line when a later one does
/// not fit the sample's schema (a field it never saw, a type it did not expect). Bad lines are reported
/// by number, and fail the conversion unless `skipBad`.
struct JSONLinesToParquet {
    /// What the conversion did.
    struct Summary {
        var rows = 0
        var skippedLines: [Int] = []
        var columns: [ParquetColumn] = []
    }

    var columns: [ParquetColumn]?
    var valueRequired = false
    var skipBad = false
    /// Non-blank lines the schema is first inferred from.
    var sampleLines = 1_000
    /// Bytes of input one decoder takes at a time (cut at a line end).
    var blockBytes = 4 << 20
    /// Decoders running side by side.
    var parallelism = ProcessInfo.processInfo.activeProcessorCount
    /// The writer settings for the final columns (per-column encodings depend on the inferred types).
    var makeConfiguration: ([ParquetColumn]) -> ParquetWriterConfiguration = { _ in ParquetWriterConfiguration() }

    /// Converts `input` (JSON lines) into the Parquet file `output`.
    func run(input: Data, output: String, report: (String) -> Void) throws -> Summary {
        try input.withUnsafeBytes { (all: UnsafeRawBufferPointer) throws -> Summary in
            if let columns {
                return try convert(all, columns: columns, inferred: false, provisional: false, output, report)
                    ?? Summary()
            }
            var sample = JSONSchemaInference()
            let coveredAll = Self.forEachLine(all, limit: sampleLines) { _, fields in
                if case .success(let fields) = fields { sample.observe(fields) }
            }
            if !sample.columns.isEmpty,
                let summary = try convert(
                    all, columns: sample.columns, inferred: true, provisional: !coveredAll, output, report)
            {
                return summary
            }
            // Every line decides the schema; bad lines fail here, or are passed over silently: the
            // decoding pass reports them once.
            var inference = JSONSchemaInference()
            var firstBad: (Int, String)?
            Self.forEachLine(all) { number, fields in
                switch fields {
                case .success(let fields): inference.observe(fields)
                case .failure(let error): if firstBad == nil { firstBad = (number, error.description) }
                }
            }
            if let firstBad, !skipBad {
                throw CommandFailure(command: "convert", message: "line \(firstBad.0): \(firstBad.1)")
            }
            return try convert(all, columns: inference.columns, inferred: true, provisional: false, output, report)
                ?? Summary()
        }
    }

    /// Decodes and writes every line with `columns`. A provisional schema (from a sample) gives up at the
    /// first line that does not decode: nil, nothing written.
    private func convert(
        _ all: UnsafeRawBufferPointer, columns: [ParquetColumn], inferred: Bool, provisional: Bool,
        _ output: String, _ report: (String) -> Void
    ) throws -> Summary? {
        guard !columns.isEmpty else {
            throw CommandFailure(
                command: "convert", message: "no fields found: the input has no JSON objects with keys")
        }
        var decoder = try JSONColumnDecoder(
            fields: columns.map { column in
                JSONColumnDecoder.Field(
                    column.name, try Self.kind(of: column), required: valueRequired || column.repetition == .required)
            })
        // An inferred schema has every field the input holds, and reads timestamps from text only.
        decoder.refusesUnknownFields = inferred
        decoder.timestampsFromTextOnly = inferred
        var summary = Summary(columns: columns)
        // On any failure the writer is released unclosed, which removes its temporary file.
        let writer = try ParquetFileWriter(
            path: output, schema: ParquetSchema(columns), configuration: makeConfiguration(columns))
        var pipeline = DecodePipeline(
            blocks: Self.blocks(of: all, size: blockBytes), in: all, with: decoder, workers: parallelism,
            lookahead: 2 * parallelism)
        var line = 0
        // The writer encodes and compresses one block while the workers decode the next ones.
        while let batch = pipeline.next() {
            if !batch.malformed.isEmpty {
                if provisional { return nil }
                for malformed in batch.malformed {
                    try badLine(line + malformed.line + 1, malformed.reason, &summary, report)
                }
            }
            if batch.rowCount > 0 { try writer.append(batch.columns) }
            summary.rows += batch.rowCount
            line += batch.lineCount
        }
        try writer.close()
        return summary
    }

    /// The decoder's kind for a column Souk writes from JSON: text columns take any value.
    private static func kind(of column: ParquetColumn) throws -> JSONColumnDecoder.Kind {
        switch (column.physicalType, column.logicalType) {
        case (.boolean, _): return .boolean
        case (.int32, _): return .int32
        case (.int64, .timestamp(.micros, _)): return .timestampMicros
        case (.int64, _): return .int64
        case (.double, _): return .double
        case (.byteArray, _): return .text
        default:
            throw CommandFailure(
                command: "convert", message: "column '\(column.name)' has a type JSON lines cannot fill")
        }
    }

    /// Cuts `all` into ranges of about `size` bytes, each ending after a `\n` (the last at the end).
    private static func blocks(of all: UnsafeRawBufferPointer, size: Int) -> [Range<Int>] {
        guard let base = all.baseAddress else { return [] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < all.count {
            var end = min(all.count, start + size)
            if end < all.count, let newline = memchr(base + end, 0x0A, all.count - end) {
                end = base.distance(to: UnsafeRawPointer(newline)) + 1
            } else {
                end = all.count
            }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    private func badLine(_ number: Int, _ reason: String, _ summary: inout Summary, _ report: (String) -> Void) throws {
        guard skipBad else { throw CommandFailure(command: "convert", message: "line \(number): \(reason)") }
        summary.skippedLines.append(number)
        report("souk convert: skipped line \(number): \(reason)")
    }

    /// Calls `body` with the 1-based number and parsed fields of every non-blank line, or of the first
    /// `limit` of them; returns whether it saw every line.
    @discardableResult
    private static func forEachLine(
        _ all: UnsafeRawBufferPointer, limit: Int = Int.max,
        _ body: (Int, Result<[(key: String, value: JSONValue)], JSONError>) -> Void
    ) -> Bool {
        var start = 0
        var number = 0
        var seen = 0
        while start < all.count {
            guard seen < limit else { return false }
            number += 1
            var end = all.count
            if let base = all.baseAddress, let newline = memchr(base + start, 0x0A, all.count - start) {
                end = base.distance(to: UnsafeRawPointer(newline))
            }
            var lineEnd = end
            if lineEnd > start && all[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: all[start..<lineEnd])
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                seen += 1
                do throws(JSONError) {
                    body(number, .success(try JSONObjectParser.parse(line)))
                } catch {
                    body(number, .failure(error))
                }
            }
            start = end + 1
        }
        return true
    }
}
