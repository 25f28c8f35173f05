import Storage

/// The Parquet specification's names for its enum codes, as parquet-tools and pyarrow print them.
enum ParquetNames {
    static func physicalType(_ code: Int32) -> String {
        let names = ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"]
        return names.indices.contains(Int(code)) ? names[Int(code)] : "UNKNOWN(\(code))"
    }

    static func encoding(_ code: Int32) -> String {
        let names = [
            0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
            6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY", 9: "BYTE_STREAM_SPLIT",
        ]
        return names[Int(code)] ?? "UNKNOWN(\(code))"
    }

    static func codec(_ code: Int32) -> String {
        let names = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"]
        return names.indices.contains(Int(code)) ? names[Int(code)] : "UNKNOWN(\(code))"
    }

    static func repetition(_ code: Int32?) -> String {
        switch code {
        case 0: "REQUIRED"
        case 1: "OPTIONAL"
        case 2: "REPEATED"
        case nil: "REQUIRED"
        default: "UNKNOWN(\(code ?? -1))"
        }
    }

    static func logicalType(_ type: LogicalType?) -> String? {
        guard let type else { return nil }
        switch type {
        case .string: return "STRING"
        case .map: return "MAP"
        case .list: return "LIST"
        case .enum: return "ENUM"
        case .decimal(let scale, let precision): return "DECIMAL(\(precision),\(scale))"
        case .date: return "DATE"
        case .time(let utc, let unit): return "TIME(\(unitName(unit)),\(utc ? "UTC" : "local"))"
        case .timestamp(let utc, let unit): return "TIMESTAMP(\(unitName(unit)),\(utc ? "UTC" : "local"))"
        case .integer(let bits, let signed): return "INT(\(bits),\(signed ? "signed" : "unsigned"))"
        case .unknown: return "NULL"
        case .json: return "JSON"
        case .bson: return "BSON"
        case .uuid: return "UUID"
        case .float16: return "FLOAT16"
        case .unrecognized(let id): return "UNRECOGNIZED(\(id))"
        }
    }

    static func unitName(_ unit: ParquetTimeUnit) -> String {
        switch unit {
        case .millis: "MILLIS"
        case .micros: "MICROS"
        case .nanos: "NANOS"
        }
    }
}
