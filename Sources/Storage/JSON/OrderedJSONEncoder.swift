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
        root.node.write(to: &output)
        return output
    }
}

/// A JSON value under construction.
enum JSONNode {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNodeBox])
    case object([(key: String, value: JSONNodeBox)])

    func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): Self.writeQuoted(text, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.node.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeQuoted(member.key, to: &output)
                output += ":"
                member.value.node.write(to: &output)
            }
            output += "}"
        }
    }

    /// A quoted JSON string, escaping what RFC 8259 requires.
    static func writeQuoted(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    static func number(_ value: Double) -> JSONNode {
        value.isFinite ? .number("\(value)") : .null
    }
}

/// A mutable slot for a node, so containers can fill it after handing it out.
final class JSONNodeBox {
    var node: JSONNode = .null
}

/// The `Encoder` behind `OrderedJSONEncoder`.
struct JSONNodeEncoder: Encoder {
    let box: JSONNodeBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = box.node {} else { box.node = .object([]) }
        return KeyedEncodingContainer(KeyedJSONContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = box.node {} else { box.node = .array([]) }
        return UnkeyedJSONContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleJSONContainer(box: box, codingPath: codingPath)
    }

    /// Encodes `value` into `target`, writing primitives directly.
    func encodeValue<T: Encodable>(_ value: T, into target: JSONNodeBox) throws {
        switch value {
        case let text as String: target.node = .string(text)
        case let number as Double: target.node = JSONNode.number(number)
        case let number as Float: target.node = JSONNode.number(Double(number))
        case let flag as Bool: target.node = .bool(flag)
        case let number as Int: target.node = .number(String(number))
        case let number as Int64: target.node = .number(String(number))
        case let number as Int32: target.node = .number(String(number))
        case let number as UInt64: target.node = .number(String(number))
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
        guard case .object(var members) = box.node else { return JSONNodeBox() }
        if let existing = members.first(where: { $0.key == name }) { return existing.value }
        let child = JSONNodeBox()
        members.append((name, child))
        box.node = .object(members)
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).node = .null }

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

    var count: Int {
        if case .array(let elements) = box.node { return elements.count }
        return 0
    }

    private func append() -> JSONNodeBox {
        let child = JSONNodeBox()
        if case .array(var elements) = box.node {
            elements.append(child)
            box.node = .array(elements)
        }
        return child
    }

    mutating func encodeNil() throws { append().node = .null }

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

    mutating func encodeNil() throws { box.node = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONNodeEncoder(box: box, codingPath: codingPath).encodeValue(value, into: box)
    }
}
