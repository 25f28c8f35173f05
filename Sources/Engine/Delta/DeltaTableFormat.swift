import Foundation
import Storage

/// How Souk's Parquet tables are described in Delta terms: the schema, the partition values of a part's
/// path, and the per-file statistics readers skip files with.
package enum DeltaTableFormat {
    /// The partition columns of a table partitioned by hour (`date=YYYY-MM-DD/hour=HH`).
    package static let hourPartitionColumns = ["date", "hour"]

    /// Delta's JSON schema: the file's columns, then the partition columns (a date and an integer hour).
    package static func schemaString(_ schema: ParquetSchema, partitioned: Bool) -> String {
        var fields = schema.columns.map { column in
            SchemaField(name: column.name, type: typeName(column), nullable: column.repetition == .optional)
        }
        if partitioned {
            fields.append(SchemaField(name: "date", type: "date", nullable: true))
            fields.append(SchemaField(name: "hour", type: "integer", nullable: true))
        }
        return encode(StructType(fields: fields))
    }

    /// Delta's name for a column's type.
    static func typeName(_ column: ParquetColumn) -> String {
        switch (column.physicalType, column.logicalType) {
        case (_, .string?), (_, .json?), (_, .enumeration?): "string"
        case (_, .date?): "date"
        case (_, .timestamp(_, true)?): "timestamp"
        case (_, .timestamp(_, false)?): "timestamp_ntz"
        case (_, .decimal(let precision, let scale)?): "decimal(\(precision),\(scale))"
        case (_, .integer(8, _)?): "byte"
        case (_, .integer(16, _)?): "short"
        case (.boolean, _): "boolean"
        case (.int32, _): "integer"
        case (.int64, _): "long"
        case (.float, _): "float"
        case (.double, _): "double"
        case (.int96, _): "timestamp"
        case (.byteArray, _), (.fixedLenByteArray, _): "binary"
        }
    }

    /// The partition values of a part at `relativePath` (`date=…/hour=…/part-….parquet`): the date as
    /// written, the hour without its leading zero; Hive's default partition is null. Empty unpartitioned.
    package static func partitionValues(ofPath relativePath: String) -> [String: String?] {
        var values: [String: String?] = [:]
        for component in relativePath.split(separator: "/").dropLast() {
            guard let equals = component.firstIndex(of: "=") else { continue }
            let name = String(component[..<equals])
            let text = String(component[component.index(after: equals)...])
            if text == "__HIVE_DEFAULT_PARTITION__" {
                values[name] = .some(nil)
            } else if name == "hour", let hour = Int(text) {
                values[name] = String(hour)
            } else {
                values[name] = text
            }
        }
        return values
    }

    /// `stats` of a file: its row count and, per column, min, max (timestamps widened to whole
    /// milliseconds, as Delta records them) and null count, from the file's footer.
    package static func statistics(rows: Int, summaries: [ParquetColumnSummary]) -> String {
        var stats = Statistics(numRecords: rows)
        for summary in summaries {
            if let nulls = summary.nullCount { stats.nullCount[summary.column.name] = nulls }
            if let min = summary.min, let value = statValue(min, column: summary.column, roundUp: false) {
                stats.minValues[summary.column.name] = value
            }
            if let max = summary.max, let value = statValue(max, column: summary.column, roundUp: true) {
                stats.maxValues[summary.column.name] = value
            }
        }
        return encode(stats)
    }

    private static func statValue(_ value: ParquetPredicate.Value, column: ParquetColumn, roundUp: Bool)
        -> StatValue?
    {
        switch (value, column.logicalType) {
        case (.integer(let raw), .timestamp(let unit, _)?):
            let perMilli: Int64 =
                switch unit {
                case .millis: 1
                case .micros: 1000
                case .nanos: 1_000_000
                }
            var (millis, rest) = ISO8601Timestamp.floorDivide(raw, perMilli)
            if roundUp && rest != 0 { millis += 1 }
            let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
            guard !overflow else { return nil }
            let text = ISO8601Timestamp.format(micros: micros)  // …ss.ffffffZ: keep the milliseconds
            return .text(String(text.dropLast(4)) + "Z")
        case (.integer(let days), .date?):
            return .text(ISO8601Timestamp.formatDate(daysSinceEpoch: days))
        case (_, .decimal?): return nil
        case (.integer(let v), _): return .integer(v)
        case (.double(let v), _): return v.isFinite ? .double(v) : nil
        case (.string(let v), _): return .text(v)
        case (.boolean, _), (.bytes, _): return nil
        }
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs of text and numbers cannot fail.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private struct StructType: Encodable {
        var type = "struct"
        var fields: [SchemaField]
    }

    private struct SchemaField: Encodable {
        var name: String
        var type: String
        var nullable: Bool
        var metadata: [String: String] = [:]
    }

    private struct Statistics: Encodable {
        var numRecords: Int
        var minValues: [String: StatValue] = [:]
        var maxValues: [String: StatValue] = [:]
        var nullCount: [String: Int64] = [:]
    }

    private enum StatValue: Encodable {
        case integer(Int64)
        case double(Double)
        case text(String)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .integer(let v): try container.encode(v)
            case .double(let v): try container.encode(v)
            case .text(let v): try container.encode(v)
            }
        }
    }
}
