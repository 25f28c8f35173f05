/// A key-value metadata entry of the file or a column chunk.
package struct KeyValue: Sendable, Hashable {
    package var key: String
    package var value: String?

    package init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    func write(to w: inout ThriftCompactWriter) {
        w.writeString(1, key)
        if let value { w.writeString(2, value) }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> KeyValue {
        var kv = KeyValue(key: "", value: nil)
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .binary): kv.key = try r.readString()
            case (2, .binary): kv.value = try r.readString()
            default: try r.skip(field.type)
            }
        }
        return kv
    }
}
