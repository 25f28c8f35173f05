/// Encodes `Encodable` values as compact JSON with object keys in the order they were encoded.
///
/// Foundation's `JSONEncoder` on Linux writes keys in hash order (or sorted); API contracts such as
/// "the first key names the value" need the order the type wrote. Doubles print in Swift's shortest
/// round-trip form (`12.5`, `50.0`, `1e+20`); non-finite doubles, which JSON cannot hold, print as
/// `null`.
public struct OrderedJSONEncoder: Sendable {
    public init() {}

    /// The JSON text of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> String {
        let root = JSONNodeBox()
        try JSONNodeEncoder(box: root, codingPath: []).encodeValue(value, into: root)
        var output = ""
        root.write(to: &output)
        return output
    }
}

/// A JSON value under construction: containers keep their children in stored arrays, so appending
/// to them is in place (an enum payload would be copied on every append).
final class JSONNodeBox {
    enum Kind {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array
        case object
    }

    var kind = Kind.null
    var elements: [JSONNodeBox] = []
    var members: [(key: String, value: JSONNodeBox)] = []

    func write(to output: inout String) {
        switch kind {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): JSONText.appendQuoted(text, to: &output)
        case .array:
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object:
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                JSONText.appendQuoted(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    static func number(_ value: Double) -> Kind {
        value.isFinite ? .number("\(value)") : .null
    }
}

/// The `Encoder` behind `OrderedJSONEncoder`.
struct JSONNodeEncoder: Encoder {
    let box: JSONNodeBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = box.kind {} else { (box.kind, box.members) = (.object, []) }
        return KeyedEncodingContainer(KeyedJSONContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = box.kind {} else { (box.kind, box.elements) = (.array, []) }
        return UnkeyedJSONContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleJSONContainer(box: box, codingPath: codingPath)
    }

    /// Encodes `value` into `target`, writing primitives directly.
    func encodeValue<T: Encodable>(_ value: T, into target: JSONNodeBox) throws {
        switch value {
        case let text as String: target.kind = .string(text)
        case let number as Double: target.kind = JSONNodeBox.number(number)
        case let number as Float: target.kind = JSONNodeBox.number(Double(number))
        case let flag as Bool: target.kind = .bool(flag)
        case let number as Int: target.kind = .number(String(number))
        case let number as Int64: target.kind = .number(String(number))
        case let number as Int32: target.kind = .number(String(number))
        case let number as UInt64: target.kind = .number(String(number))
        default: try value.encode(to: JSONNodeEncoder(box: target, codingPath: codingPath))
        }
    }
}

private struct KeyedJSONContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONNodeBox
    let codingPath: [any CodingKey]

    private func slot(_ key: Key) -> JSONNodeBox { slot(named: key.stringValue) }

    /// The slot for a key: appended, or the existing one when a key is encoded twice.
    private func slot(named name: String) -> JSONNodeBox {
        if let existing = box.members.first(where: { $0.key == name }) { return existing.value }
        let child = JSONNodeBox()
        box.members.append((name, child))
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).kind = .null }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try JSONNodeEncoder(box: box, codingPath: codingPath + [key]).encodeValue(value, into: slot(key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        JSONNodeEncoder(box: slot(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(box: slot(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONNodeEncoder(box: slot(named: "super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONNodeEncoder(box: slot(key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedJSONContainer: UnkeyedEncodingContainer {
    let box: JSONNodeBox
    let codingPath: [any CodingKey]

    var count: Int { box.elements.count }

    private func append() -> JSONNodeBox {
        let child = JSONNodeBox()
        box.elements.append(child)
        return child
    }

    mutating func encodeNil() throws { append().kind = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONNodeEncoder(box: box, codingPath: codingPath).encodeValue(value, into: append())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        JSONNodeEncoder(box: append(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(box: append(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONNodeEncoder(box: append(), codingPath: codingPath)
    }
}

private struct SingleJSONContainer: SingleValueEncodingContainer {
    let box: JSONNodeBox
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.kind = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONNodeEncoder(box: box, codingPath: codingPath).encodeValue(value, into: box)
    }
}
