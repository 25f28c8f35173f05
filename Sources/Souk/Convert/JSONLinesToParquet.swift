import Foundation
import Storage

/// Converts a JSON-lines file to Parquet: infers a flat schema (or takes the transaction schema),
/// reports bad lines by number, and streams rows to the writer in batches.
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
    var batchRows = 65_536
    /// The writer settings for the final columns (per-column encodings depend on the inferred types).
    var makeConfiguration: ([ParquetColumn]) -> ParquetWriterConfiguration = { _ in ParquetWriterConfiguration() }

    /// Converts `input` (JSON lines) into the Parquet file `output`.
    func run(input: Data, output: String, report: (String) -> Void) throws -> Summary {
        var summary = Summary()
        let schemaColumns: [ParquetColumn]
        if let columns {
            schemaColumns = columns
        } else {
            // Bad lines fail here, or are passed over silently: the writing pass reports them once.
            var inference = JSONSchemaInference()
            try forEachLine(input) { number, fields in
                switch fields {
                case .success(let fields): inference.observe(fields)
                case .failure(let error):
                    if !skipBad { try badLine(number, error.description, &summary, report) }
                }
            }
            schemaColumns = inference.columns
        }
        guard !schemaColumns.isEmpty else {
            throw CommandFailure(
                command: "convert", message: "no fields found: the input has no JSON objects with keys")
        }
        summary.columns = schemaColumns
        let writer = try ParquetFileWriter(
            path: output, schema: ParquetSchema(schemaColumns), configuration: makeConfiguration(schemaColumns))
        var builders = schemaColumns.map { JSONColumnBuilder(column: $0, valueRequired: valueRequired) }
        let positions = Dictionary(
            schemaColumns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var pending = 0
        var cells = [JSONColumnBuilder.Cell](repeating: .null, count: builders.count)
        var values = [JSONValue?](repeating: nil, count: builders.count)
        // On any failure the writer is released unclosed, which removes its temporary file.
        try forEachLine(input) { number, result in
            let fields: [(key: String, value: JSONValue)]
            switch result {
            case .success(let parsed): fields = parsed
            case .failure(let error):
                try badLine(number, error.description, &summary, report)
                return
            }
            for index in values.indices { values[index] = nil }
            for (key, value) in fields {
                if let position = positions[key] { values[position] = value }
            }
            do {
                for index in builders.indices { cells[index] = try builders[index].cell(for: values[index]) }
            } catch let error as LineConversionError {
                try badLine(number, error.reason, &summary, report)
                return
            }
            for index in builders.indices { builders[index].append(cells[index]) }
            pending += 1
            summary.rows += 1
            if pending == batchRows {
                try writer.append(builders.indices.map { builders[$0].take() })
                pending = 0
            }
        }
        if pending > 0 { try writer.append(builders.indices.map { builders[$0].take() }) }
        try writer.close()
        return summary
    }

    private func badLine(_ number: Int, _ reason: String, _ summary: inout Summary, _ report: (String) -> Void) throws {
        guard skipBad else { throw CommandFailure(command: "convert", message: "line \(number): \(reason)") }
        summary.skippedLines.append(number)
        report("souk convert: skipped line \(number): \(reason)")
    }

    /// Calls `body` with the 1-based number and parsed fields of every non-blank line.
    private func forEachLine(
        _ input: Data, _ body: (Int, Result<[(key: String, value: JSONValue)], JSONError>) throws -> Void
    ) throws {
        try input.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            var start = 0
            var number = 0
            while start < all.count {
                number += 1
                var end = start
                while end < all.count && all[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > start && all[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeRawBufferPointer(rebasing: all[start..<lineEnd])
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    do {
                        try body(number, .success(try JSONObjectParser.parse(line)))
                    } catch let error as JSONError {
                        try body(number, .failure(error))
                    }
                }
                start = end + 1
            }
        }
    }
}
