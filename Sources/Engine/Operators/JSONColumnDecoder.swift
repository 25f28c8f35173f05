import Storage

/// Decodes JSON lines straight into typed columns, directed by a schema: the engine's first operator.
///
/// One pass over the bytes per line, no intermediate dictionaries or `JSONDecoder`: keys are matched
/// against the schema's field names (the expected next field is tried first, as producers write
/// fields in a fixed order), values are parsed in place — strings copied into contiguous byte arrays,
/// numbers with a fast exact path, timestamps from ISO-8601 bytes or epoch milliseconds. A line that is
/// not valid JSON or does not fit the schema is reported with its reason and leaves no partial row.
public struct JSONColumnDecoder: Sendable {
    /// What a field holds, and the column it becomes.
    public enum Kind: Sendable, Equatable {
        case string
        case double
        case int32
        case int64
        case boolean
        /// Microseconds since the epoch, UTC, from an ISO-8601 string (zone optional, none meaning UTC)
        /// or a number of epoch milliseconds.
        case timestampMicros
        /// Any value as text: a string as itself, anything else (numbers, booleans, objects, arrays) as its
        /// JSON text, as it appears in the line.
        case text
    }

    /// One field of the schema.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var kind: Kind
        /// A line without this field (or with null) is malformed; otherwise the value is null.
        public var required: Bool

        public init(_ name: String, _ kind: Kind, required: Bool = true) {
            self.name = name
            self.kind = kind
            self.required = required
        }
    }

    /// A line that could not be decoded.
    public struct Malformed: Sendable, Equatable {
        /// Index of the line in the input, from 0.
        public var line: Int
        public var reason: String
    }

    /// Decoded rows, column by column, and the lines that were refused.
    public struct Batch: Sendable {
        public var columns: [ParquetColumnBuffer]
        public var rowCount: Int
        public var malformed: [Malformed]
        /// Lines of the input, blank ones included (the last one may lack its `\n`).
        public var lineCount = 0
    }

    public let fields: [Field]
    let names: [[UInt8]]
    /// A line with a key the schema does not name is refused ("unknown field"), instead of the key being
    /// skipped: for a schema inferred from a sample, which must then be inferred again. Default: false.
    public var refusesUnknownFields = false
    /// Timestamp fields take ISO-8601 strings only, not numbers of epoch milliseconds. Default: false.
    public var timestampsFromTextOnly = false

    public init(fields: [Field]) {
        self.fields = fields
        self.names = fields.map { Array($0.name.utf8) }
    }

    /// Decodes every non-blank line of `input` (lines end with `\n`, an optional `\r` is ignored).
    public func decode(_ input: UnsafeRawBufferPointer) -> Batch {
        var builder = ColumnBuilder(fields: fields)
        if input.count > 4096, let base = input.baseAddress {
            // Estimate the rows from the first lines; string values are at most the input's size.
            let sample = UnsafeRawBufferPointer(start: base, count: 4096)
            let newlines = max(1, sample.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
            builder.reserve(rows: input.count / 4096 * newlines + newlines, textBytes: input.count / 2)
        }
        var malformed: [Malformed] = []
        var start = 0
        var line = 0
        while start < input.count {
            var end = input.count
            if let base = input.baseAddress, let newline = memchr(base + start, 0x0A, input.count - start) {
                end = base.distance(to: UnsafeRawPointer(newline))
            }
            var lineEnd = end
            if lineEnd > start && input[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let bytes = UnsafeRawBufferPointer(rebasing: input[start..<lineEnd])
            if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                var row = LineParser(bytes: bytes, decoder: self)
                switch row.parse(into: &builder) {
                case .success: builder.commitRow()
                case .failure(let reason):
                    builder.discardRow()
                    malformed.append(Malformed(line: line, reason: reason.description))
                }
            }
            line += 1
            start = end + 1
        }
        return Batch(columns: builder.finish(), rowCount: builder.rows, malformed: malformed, lineCount: line)
    }

    /// Decodes the UTF-8 text of JSON lines.
    public func decode(_ text: String) -> Batch {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// The index of the field whose name is `key`, trying `hint` first.
    @inline(__always)
    func fieldIndex(of key: UnsafeRawBufferPointer, hint: Int) -> Int? {
        if hint < names.count && Self.equal(names[hint], key) { return hint }
        for index in names.indices where index != hint && Self.equal(names[index], key) { return index }
        return nil
    }

    @inline(__always)
    static func equal(_ name: [UInt8], _ key: UnsafeRawBufferPointer) -> Bool {
        guard name.count == key.count else { return false }
        return name.withUnsafeBytes { stored in
            guard let a = stored.baseAddress, let b = key.baseAddress else { return true }
            return memcmp(a, b, key.count) == 0
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
