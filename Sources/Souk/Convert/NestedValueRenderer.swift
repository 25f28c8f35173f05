import Storage

/// Renders a nested Parquet value as JSON, walking its logical node alongside: structs as objects, lists
/// as arrays, maps as objects (keys as text), leaves as `ParquetValueRenderer` renders them.
struct NestedValueRenderer {
    let node: ParquetNode

    func append(_ value: ParquetValue, to output: inout String) {
        if value == .null {
            output += "null"
            return
        }
        switch (node, value) {
        case (.leaf(let column), _):
            guard let values = Self.column(of: value) else {
                output += "null"
                return
            }
            ParquetValueRenderer(column: column).append(values, at: 0, to: &output)
        case (.group(_, _, let children), .group(let fields)):
            output += "{"
            for (index, (child, field)) in zip(children, fields).enumerated() {
                if index > 0 { output += ", " }
                JSONText.appendQuoted(child.name, to: &output)
                output += ": "
                NestedValueRenderer(node: child).append(field, to: &output)
            }
            output += "}"
        case (.list(_, _, let element), .list(let items)):
            output += "["
            let renderer = NestedValueRenderer(node: element)
            for (index, item) in items.enumerated() {
                if index > 0 { output += ", " }
                renderer.append(item, to: &output)
            }
            output += "]"
        case (.map(_, _, let key, let valueNode), .map(let entries)):
            output += "{"
            let keys = NestedValueRenderer(node: .leaf(key))
            let values = NestedValueRenderer(node: valueNode)
            for (index, entry) in entries.enumerated() {
                if index > 0 { output += ", " }
                var text = ""
                keys.append(entry.key, to: &text)
                if text.hasPrefix("\"") { output += text } else { JSONText.appendQuoted(text, to: &output) }
                output += ": "
                values.append(entry.value, to: &output)
            }
            output += "}"
        default:
            output += "null"
        }
    }

    /// A leaf value as a one-value column, as `ParquetValueRenderer` takes it.
    private static func column(of value: ParquetValue) -> ParquetColumnValues? {
        switch value {
        case .boolean(let v): return .boolean([v])
        case .int32(let v): return .int32([v])
        case .int64(let v): return .int64([v])
        case .float(let v): return .float([v])
        case .double(let v): return .double([v])
        case .bytes(let v):
            var arrays = ParquetByteArrays()
            arrays.append(v)
            return .byteArray(arrays)
        default: return nil
        }
    }
}
