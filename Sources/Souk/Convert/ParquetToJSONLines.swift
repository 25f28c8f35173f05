import Foundation
import Storage

/// Writes every row of a Parquet file as one JSON object per line, columns in schema order; structs,
/// lists and maps as JSON objects and arrays.
struct ParquetToJSONLines {
    var configuration = ParquetReaderConfiguration()

    /// Converts `input` to `output`; returns the rows written. The output appears only when whole.
    func run(input: String, output: String) throws -> Int {
        let reader = try ParquetFileReader(path: input, configuration: configuration)
        let columns = reader.schema.columns
        let renderers = columns.map(ParquetValueRenderer.init(column:))
        let keys = columns.map { column in
            var key = ""
            JSONText.appendQuoted(column.name, to: &key)
            return key + ": "
        }
        let temporary = output + ".souk-tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else { throw CommandFailure(command: "convert", message: "cannot write \(output)") }
        var committed = false
        defer {
            try? handle.close()
            if !committed { try? FileManager.default.removeItem(atPath: temporary) }
        }
        if !reader.nestedColumnPaths.isEmpty {
            let rows = try writeRecords(reader, to: handle)
            try handle.synchronize()
            guard rename(temporary, output) == 0 else {
                throw CommandFailure(command: "convert", message: "cannot write \(output)")
            }
            committed = true
            return rows
        }
        var rows = 0
        for group in 0..<reader.rowGroupCount {
            let buffers = try reader.readRowGroup(group)
            var cursors = [Int](repeating: 0, count: buffers.count)
            let rowCount = reader.rowCount(ofRowGroup: group)
            var text = ""
            text.reserveCapacity(1 << 20)
            for row in 0..<rowCount {
                text += "{"
                for index in buffers.indices {
                    if index > 0 { text += ", " }
                    text += keys[index]
                    let buffer = buffers[index]
                    if let validity = buffer.validity, row < validity.count, !validity[row] {
                        text += "null"
                    } else if cursors[index] < buffer.values.count {
                        renderers[index].append(buffer.values, at: cursors[index], to: &text)
                        cursors[index] += 1
                    } else {
                        throw CommandFailure(
                            command: "convert", message: "column \(columns[index].name) has too few values")
                    }
                }
                text += "}\n"
                if text.utf8.count >= 1 << 20 {
                    try handle.write(contentsOf: Data(text.utf8))
                    text.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: Data(text.utf8))
            rows += rowCount
        }
        try handle.synchronize()
        guard rename(temporary, output) == 0 else {
            throw CommandFailure(command: "convert", message: "cannot write \(output)")
        }
        committed = true
        return rows
    }

    /// Every row as whole records (a file with nested columns), one row group at a time.
    private func writeRecords(_ reader: ParquetFileReader, to handle: FileHandle) throws -> Int {
        let schema = try reader.nestedSchema()
        let renderers = schema.map(NestedValueRenderer.init(node:))
        let keys = schema.map { node in
            var key = ""
            JSONText.appendQuoted(node.name, to: &key)
            return key + ": "
        }
        var rows = 0
        for group in 0..<reader.rowGroupCount {
            var text = ""
            for record in try reader.readRecords(ofRowGroup: group) {
                text += "{"
                for (index, value) in record.enumerated() {
                    if index > 0 { text += ", " }
                    text += keys[index]
                    renderers[index].append(value, to: &text)
                }
                text += "}\n"
                rows += 1
                if text.utf8.count >= 1 << 20 {
                    try handle.write(contentsOf: Data(text.utf8))
                    text.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: Data(text.utf8))
        }
        return rows
    }
}
