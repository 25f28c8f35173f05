import Storage

/// The report of `souk inspect`: schema, row groups and column chunks of one file, as JSON or text.
struct ParquetInspection {
    let metadata: FileMetaData

    /// A leaf column of the schema with its dotted path.
    struct Leaf {
        let path: String
        let element: SchemaElement
    }

    /// Leaves of the schema tree, depth first (the order of the column chunks).
    var leaves: [Leaf] {
        var result: [Leaf] = []
        var index = 1
        func walk(prefix: String, count: Int) {
            for _ in 0..<count {
                guard index < metadata.schema.count else { return }
                let element = metadata.schema[index]
                index += 1
                let path = prefix.isEmpty ? element.name : prefix + "." + element.name
                if let children = element.numChildren, children > 0 {
                    walk(prefix: path, count: Int(children))
                } else {
                    result.append(Leaf(path: path, element: element))
                }
            }
        }
        walk(prefix: "", count: Int(metadata.schema.first?.numChildren ?? 0))
        return result
    }

    /// One JSON object with `num_rows`, `created_by`, `schema`, `row_groups` (each with `columns`).
    func json() -> String {
        let leaves = leaves
        var schema: [String] = []
        for leaf in leaves {
            let element = leaf.element
            var fields = ["\"name\": \(JSONText.quoted(leaf.path))"]
            fields.append(
                "\"physical_type\": \(JSONText.quoted(ParquetNames.physicalType(element.type?.rawValue ?? -1)))")
            fields.append(
                "\"logical_type\": \(ParquetNames.logicalType(element.logicalType).map(JSONText.quoted) ?? "null")")
            fields.append("\"converted_type\": \(element.convertedType.map { String($0.rawValue) } ?? "null")")
            fields.append("\"repetition\": \(JSONText.quoted(ParquetNames.repetition(element.repetition?.rawValue)))")
            if let length = element.typeLength { fields.append("\"type_length\": \(length)") }
            if let precision = element.precision { fields.append("\"precision\": \(precision)") }
            if let scale = element.scale { fields.append("\"scale\": \(scale)") }
            schema.append("{" + fields.joined(separator: ", ") + "}")
        }
        var groups: [String] = []
        for group in metadata.rowGroups {
            var columns: [String] = []
            for (position, chunk) in group.columns.enumerated() {
                columns.append(columnJSON(chunk, leaf: position < leaves.count ? leaves[position] : nil))
            }
            var fields = ["\"num_rows\": \(group.numRows)", "\"total_byte_size\": \(group.totalByteSize)"]
            if let size = group.totalCompressedSize { fields.append("\"total_compressed_size\": \(size)") }
            if let offset = group.fileOffset { fields.append("\"file_offset\": \(offset)") }
            fields.append("\"columns\": [" + columns.joined(separator: ", ") + "]")
            groups.append("{" + fields.joined(separator: ", ") + "}")
        }
        var metadataPairs: [String] = []
        for pair in metadata.keyValueMetadata ?? [] {
            metadataPairs.append("\(JSONText.quoted(pair.key)): \(pair.value.map(JSONText.quoted) ?? "null")")
        }
        return
            "{\"num_rows\": \(metadata.numRows), \"created_by\": \(metadata.createdBy.map(JSONText.quoted) ?? "null"), "
            + "\"version\": \(metadata.version), \"num_row_groups\": \(metadata.rowGroups.count), "
            + "\"key_value_metadata\": {\(metadataPairs.joined(separator: ", "))}, "
            + "\"schema\": [\(schema.joined(separator: ", "))], \"row_groups\": [\(groups.joined(separator: ", "))]}"
    }

    private func columnJSON(_ chunk: ColumnChunk, leaf: Leaf?) -> String {
        var fields = ["\"path\": \(JSONText.quoted(leaf?.path ?? "?"))", "\"file_offset\": \(chunk.fileOffset)"]
        if let meta = chunk.metaData {
            fields.append("\"physical_type\": \(JSONText.quoted(ParquetNames.physicalType(meta.type.rawValue)))")
            fields.append("\"codec\": \(JSONText.quoted(ParquetNames.codec(meta.codec.rawValue)))")
            let encodings = meta.encodings.map { JSONText.quoted(ParquetNames.encoding($0.rawValue)) }
            fields.append("\"encodings\": [\(encodings.joined(separator: ", "))]")
            fields.append("\"num_values\": \(meta.numValues)")
            fields.append("\"total_compressed_size\": \(meta.totalCompressedSize)")
            fields.append("\"total_uncompressed_size\": \(meta.totalUncompressedSize)")
            fields.append("\"data_page_offset\": \(meta.dataPageOffset)")
            fields.append("\"dictionary_page_offset\": \(meta.dictionaryPageOffset.map(String.init) ?? "null")")
            if let statistics = meta.statistics, let leaf {
                fields.append("\"statistics\": \(statisticsJSON(statistics, leaf: leaf))")
            } else {
                fields.append("\"statistics\": null")
            }
        }
        if let offset = chunk.columnIndexOffset { fields.append("\"column_index_offset\": \(offset)") }
        if let offset = chunk.offsetIndexOffset { fields.append("\"offset_index_offset\": \(offset)") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    private func statisticsJSON(_ statistics: Statistics, leaf: Leaf) -> String {
        let minimum = statistics.minValue ?? statistics.legacyMin
        let maximum = statistics.maxValue ?? statistics.legacyMax
        var fields = ["\"null_count\": \(statistics.nullCount.map(String.init) ?? "null")"]
        fields.append("\"distinct_count\": \(statistics.distinctCount.map(String.init) ?? "null")")
        fields.append("\"min\": \(minimum.map { statisticValue($0, leaf: leaf) } ?? "null")")
        fields.append("\"max\": \(maximum.map { statisticValue($0, leaf: leaf) } ?? "null")")
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// A statistic's plain-encoded bytes shown as a JSON value of the column's type.
    private func statisticValue(_ bytes: [UInt8], leaf: Leaf) -> String {
        func little<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.reversed().reduce(T.zero) { $0 << 8 | T($1) }
        }
        let unsigned: Bool
        if case .integer(_, false) = leaf.element.logicalType { unsigned = true } else { unsigned = false }
        switch leaf.element.type?.rawValue {
        case 0: return bytes.first.map { $0 != 0 ? "true" : "false" } ?? "null"
        case 1:
            guard let value = little(UInt32.self) else { return "null" }
            return unsigned ? String(value) : String(Int32(bitPattern: value))
        case 2:
            guard let value = little(UInt64.self) else { return "null" }
            return unsigned ? String(value) : String(Int64(bitPattern: value))
        case 4:
            guard let value = little(UInt32.self) else { return "null" }
            return number(Double(Float(bitPattern: value)))
        case 5:
            guard let value = little(UInt64.self) else { return "null" }
            return number(Double(bitPattern: value))
        default:
            if case .string = leaf.element.logicalType {
                return JSONText.quoted(String(decoding: bytes, as: UTF8.self))
            }
            return JSONText.quoted(Base64.encode(bytes[...]))
        }
    }

    private func number(_ value: Double) -> String {
        value.isFinite ? value.description : JSONText.quoted(value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
    }
}

extension ParquetInspection {
    /// A human-readable report.
    func text() -> String {
        var lines = ["rows: \(metadata.numRows)", "created by: \(metadata.createdBy ?? "unknown")", "schema:"]
        for leaf in leaves {
            let element = leaf.element
            let logical = ParquetNames.logicalType(element.logicalType).map { " \($0)" } ?? ""
            lines.append(
                "  \(leaf.path): \(ParquetNames.repetition(element.repetition?.rawValue)) "
                    + "\(ParquetNames.physicalType(element.type?.rawValue ?? -1))\(logical)")
        }
        for (index, group) in metadata.rowGroups.enumerated() {
            lines.append("row group \(index): \(group.numRows) rows, \(group.totalByteSize) bytes uncompressed")
            for (position, chunk) in group.columns.enumerated() {
                guard let meta = chunk.metaData else { continue }
                let path = position < leaves.count ? leaves[position].path : "?"
                let encodings = meta.encodings.map { ParquetNames.encoding($0.rawValue) }.joined(separator: ",")
                var line = "  \(path): \(ParquetNames.codec(meta.codec.rawValue)) \(encodings) "
                line += "values=\(meta.numValues) compressed=\(meta.totalCompressedSize) "
                line += "uncompressed=\(meta.totalUncompressedSize)"
                if let nulls = meta.statistics?.nullCount { line += " nulls=\(nulls)" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}
