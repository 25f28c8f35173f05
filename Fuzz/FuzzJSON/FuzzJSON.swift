import Engine
import Storage

/// libFuzzer target: JSON lines as `souk stream`, `souk convert` and the report read them: the general
/// flat-object parser and the engine's column decoder over the transaction schema (string, double,
/// int32, timestamp fields; an unknown field skipped, however deep). Oracle: nothing traps; an object
/// the parser takes, written back as JSON, parses to the same fields; the decoder accounts for every
/// line (rows + refused = non-blank lines).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    if let fields = try? JSONObjectParser.parse(input) {
        let text = render(fields)
        guard let again = try? JSONObjectParser.parse(text) else {
            fatalError("the parser refuses its own fields written back: \(text)")
        }
        guard again.map(\.key) == fields.map(\.key), again.map(\.value) == fields.map(\.value) else {
            fatalError("parse → write → parse changed the fields: \(text)")
        }
    }
    let decoder = JSONColumnDecoder(fields: [
        .init("transaction_id", .string), .init("user_id", .string, required: false), .init("amount", .double),
        .init("quantity", .int32), .init("timestamp", .timestampMicros), .init("note", .text, required: false),
    ])
    let batch = decoder.decode(input)
    var lines = 0
    var start = 0
    while start < size {
        var end = start
        while end < size && data[end] != 0x0A { end += 1 }
        // Blank: spaces and tabs only, after one `\r` at the end.
        let stop = end > start && data[end - 1] == 0x0D ? end - 1 : end
        if !UnsafeRawBufferPointer(rebasing: input[start..<stop]).allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            lines += 1
        }
        start = end + 1
    }
    guard batch.rowCount + batch.malformed.count == lines else {
        fatalError("\(lines) lines, \(batch.rowCount) rows and \(batch.malformed.count) refused")
    }
    guard batch.columns.allSatisfy({ $0.rowCount == batch.rowCount }) else {
        fatalError("columns of different lengths for \(batch.rowCount) rows")
    }
    return 0
}

func render(_ fields: [(key: String, value: JSONValue)]) -> String {
    var text = "{"
    for (index, field) in fields.enumerated() {
        if index > 0 { text += ", " }
        JSONText.appendQuoted(field.key, to: &text)
        text += ": "
        switch field.value {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .double(let value): text += "\(value)"
        case .string(let value): JSONText.appendQuoted(value, to: &text)
        case .nested(let json): text += json
        }
    }
    return text + "}"
}
