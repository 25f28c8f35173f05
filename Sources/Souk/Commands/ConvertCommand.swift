import ArgumentParser
import Commerce
import Foundation
import Storage

/// `souk convert`: JSON lines to Parquet, or Parquet to JSON lines, chosen by the file extensions.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert JSON lines to Parquet, or Parquet to JSON lines (direction from the file extensions).",
        discussion: """
            INPUT.jsonl OUTPUT.parquet writes Parquet with a flat schema inferred from the data (string, int64, \
            double, bool, timestamp from ISO-8601 strings) or the built-in transaction schema. \
            FILE.parquet OUTPUT.jsonl writes one JSON object per row (structs and maps as objects, lists as \
            arrays).
            """)

    enum Codec: String, ExpressibleByArgument, CaseIterable {
        case none, snappy, gzip, zstd
        case lz4Raw = "lz4_raw"
    }

    enum Schema: String, ExpressibleByArgument, CaseIterable {
        case infer, transactions
    }

    enum Encoding: String, ExpressibleByArgument, CaseIterable {
        /// Dictionary pages with PLAIN fallback (the default).
        case dictionary
        case plain
        /// DELTA_BINARY_PACKED for integer and timestamp columns.
        case delta
        /// BYTE_STREAM_SPLIT for floating-point columns.
        case byteStreamSplit = "byte-stream-split"
    }

    @Option(help: "Page compression: none, snappy, gzip, zstd or lz4_raw.") var codec: Codec = .zstd
    @Option(help: "zstd or gzip compression level.") var level: Int?
    @Option(help: "infer the schema from the data, or use the built-in transactions schema.") var schema: Schema =
        .infer
    @Option(help: "dictionary, plain, delta (integers) or byte-stream-split (floats).") var encoding: Encoding =
        .dictionary
    @Option(help: "Data page format version: 1 or 2.") var pageVersion: Int = 1
    @Option(help: "Most rows in one row group.") var rowGroupRows: Int = 1 << 20
    @Flag(help: "Write the page index (ColumnIndex and OffsetIndex).") var pageIndex = false
    @Flag(help: "Count and skip lines that are not valid, instead of failing on the first.") var skipBad = false
    @Flag(help: "Parquet input: verify page CRCs where the writer recorded them.") var verifyChecksums = false
    @Flag(help: "Print a JSON summary on stdout.") var json = false
    @Argument(help: "The input file: .jsonl/.json/.ndjson or .parquet.") var input: String
    @Argument(help: "The output file: .parquet or .jsonl/.json/.ndjson.") var output: String

    static let jsonExtensions: Set<String> = ["jsonl", "json", "ndjson"]

    func validate() throws {
        guard pageVersion == 1 || pageVersion == 2 else { throw ValidationError("--page-version must be 1 or 2") }
        guard rowGroupRows > 0 else { throw ValidationError("--row-group-rows must be positive") }
    }

    func run() throws {
        let from = URL(fileURLWithPath: input).pathExtension.lowercased()
        let to = URL(fileURLWithPath: output).pathExtension.lowercased()
        if Self.jsonExtensions.contains(from) && to == "parquet" {
            try jsonToParquet()
        } else if from == "parquet" && Self.jsonExtensions.contains(to) {
            try parquetToJSON()
        } else {
            throw CommandFailure(
                command: "convert",
                message:
                    "cannot tell the direction from '.\(from)' to '.\(to)': use .jsonl → .parquet or .parquet → .jsonl")
        }
    }

    private func jsonToParquet() throws {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: input), options: .alwaysMapped) else {
            throw CommandFailure(command: "convert", message: "cannot read \(input)")
        }
        var conversion = JSONLinesToParquet()
        conversion.makeConfiguration = writerConfiguration(columns:)
        conversion.skipBad = skipBad
        if schema == .transactions {
            conversion.columns = TransactionSchema.columns
            conversion.valueRequired = true
        }
        let summary: JSONLinesToParquet.Summary
        do {
            summary = try conversion.run(input: data, output: output) { writeToStandardError($0 + "\n") }
        } catch let error as ParquetError {
            throw CommandFailure(command: "convert", message: error.description)
        }
        if json {
            let skipped = summary.skippedLines.map(String.init).joined(separator: ", ")
            print(
                "{\"rows\": \(summary.rows), \"skipped_lines\": [\(skipped)], \"output\": \(JSONText.quoted(output))}")
        } else if !summary.skippedLines.isEmpty {
            writeToStandardError("souk convert: skipped \(summary.skippedLines.count) bad lines\n")
        }
    }

    private func parquetToJSON() throws {
        let rows: Int
        do {
            var conversion = ParquetToJSONLines()
            conversion.configuration.verifyChecksums = verifyChecksums
            rows = try conversion.run(input: input, output: output)
        } catch let error as ParquetError {
            throw CommandFailure(command: "convert", message: "\(input): \(error.description)")
        }
        if json { print("{\"rows\": \(rows), \"skipped_lines\": [], \"output\": \(JSONText.quoted(output))}") }
    }

    private func writerConfiguration(columns: [ParquetColumn]) -> ParquetWriterConfiguration {
        var configuration = ParquetWriterConfiguration()
        switch codec {
        case .none: configuration.compression = .none
        case .snappy: configuration.compression = .snappy
        case .gzip: configuration.compression = .gzip(level: level ?? 6)
        case .zstd: configuration.compression = .zstd(level: level ?? 1)
        case .lz4Raw: configuration.compression = .lz4Raw
        }
        configuration.dataPageVersion = pageVersion == 2 ? .v2 : .v1
        configuration.rowGroupRowLimit = rowGroupRows
        configuration.writePageIndex = pageIndex
        switch encoding {
        case .dictionary: break
        case .plain: configuration.dictionaryEnabled = false
        case .delta, .byteStreamSplit:
            configuration.dictionaryEnabled = false
            for column in columns {
                switch (encoding, column.physicalType) {
                case (.delta, .int32), (.delta, .int64):
                    configuration.columnOptions[column.name] = .init(dictionary: false, encoding: .deltaBinaryPacked)
                case (.byteStreamSplit, .float), (.byteStreamSplit, .double):
                    configuration.columnOptions[column.name] = .init(dictionary: false, encoding: .byteStreamSplit)
                default: break
                }
            }
        }
        return configuration
    }
}
