import Storage

extension JSONColumnDecoder {
    /// Why a line was refused.
    struct DecodeFailure: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "\(reason) at byte \(offset + 1)" }
    }

    /// Parses one line into the column builder. Lines with escapes in keys or string values are handed
    /// to the general `JSONObjectParser` (correct, slower); everything else is parsed in place.
    struct LineParser {
        let bytes: UnsafeRawBufferPointer
        let decoder: JSONColumnDecoder
        var index = 0

        init(bytes: UnsafeRawBufferPointer, decoder: JSONColumnDecoder) {
            self.bytes = bytes
            self.decoder = decoder
        }

        /// Exact powers of ten a double holds (Clinger's fast path).
        static let powers: [Double] = (0...22).map { exponent in
            var value = 1.0
            for _ in 0..<exponent { value *= 10 }
            return value
        }

        mutating func parse(into builder: inout ColumnBuilder) -> Result<Void, DecodeFailure> {
            do throws(DecodeFailure) {
                try parseObject(into: &builder)
                return .success(())
            } catch {
                if error.reason == Self.needsSlowPath {
                    builder.discardRow()
                    return parseSlowly(into: &builder)
                }
                return .failure(error)
            }
        }

        static let needsSlowPath = "escape"

        /// The high bit of the lowest zero byte of `word` is set (bits above it may be set falsely).
        @inline(__always)
        static func zeroByte(_ word: UInt64) -> UInt64 {
            (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
        }

        private func fail(_ reason: String) -> DecodeFailure { DecodeFailure(offset: index, reason: reason) }

        @inline(__always)
        private mutating func skipSpace() {
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
                index += 1
            }
        }

        @inline(__always)
        private mutating func expect(_ byte: UInt8, _ what: String) throws(DecodeFailure) {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { throw fail("expected \(what)") }
            index += 1
        }

        private mutating func parseObject(into builder: inout ColumnBuilder) throws(DecodeFailure) {
            try expect(UInt8(ascii: "{"), "'{'")
            skipSpace()
            var hint = 0
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipSpace()
                    let key = try rawString()
                    try expect(UInt8(ascii: ":"), "':' after a key")
                    skipSpace()
                    if let field = decoder.fieldIndex(of: key, hint: hint) {
                        guard !builder.set[field] else { throw fail("duplicate field '\(decoder.fields[field].name)'") }
                        try value(field, into: &builder)
                        hint = field + 1
                    } else if decoder.refusesUnknownFields {
                        throw fail("unknown field '\(String(decoding: key, as: UTF8.self))'")
                    } else {
                        try skipValue(depth: 0)
                    }
                    skipSpace()
                    guard index < bytes.count else { throw fail("unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "}"), "',' or '}'")
                    break
                }
            }
            skipSpace()
            guard index == bytes.count else { throw fail("unexpected text after the object") }
            for (field, spec) in decoder.fields.enumerated() where spec.required && !builder.set[field] {
                throw fail("missing field '\(spec.name)'")
            }
        }

        /// A string's bytes without its quotes; escapes send the line to the slow path.
        private mutating func rawString() throws(DecodeFailure) -> UnsafeRawBufferPointer {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            index += 1
            let start = index
            // Eight bytes at a time until one may be a quote, a backslash or a control character.
            if let base = bytes.baseAddress {
                while index + 8 <= bytes.count {
                    let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let found =
                        Self.zeroByte(word ^ 0x2222_2222_2222_2222) | Self.zeroByte(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                        | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
                    if found != 0 {
                        index += UInt64(littleEndian: found).trailingZeroBitCount / 8
                        break
                    }
                    index += 8
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                }
                if byte == UInt8(ascii: "\\") { throw fail(Self.needsSlowPath) }
                guard byte >= 0x20 else { throw fail("control character in a string") }
                index += 1
            }
            throw fail("unterminated string")
        }

        private mutating func value(_ field: Int, into builder: inout ColumnBuilder) throws(DecodeFailure) {
            guard index < bytes.count else { throw fail("expected a value") }
            let spec = decoder.fields[field]
            if bytes[index] == UInt8(ascii: "n") {
                try literal("null")
                guard !spec.required else { throw fail("field '\(spec.name)' is null") }
                return
            }
            switch spec.kind {
            case .string:
                guard bytes[index] == UInt8(ascii: "\"") else { throw fail("field '\(spec.name)' is not a string") }
                builder.appendString(field, try rawString())
            case .text:
                if bytes[index] == UInt8(ascii: "\"") {
                    builder.appendString(field, try rawString())
                } else {
                    let start = index
                    try skipValue(depth: 0)
                    builder.appendString(field, UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                }
            case .double:
                builder.appendDouble(field, try number(integerOnly: false, field: spec.name).double)
            case .int32:
                let parsed = try number(integerOnly: true, field: spec.name)
                guard let value = Int32(exactly: parsed.integer) else {
                    throw fail("field '\(spec.name)' does not fit 32 bits")
                }
                builder.appendInt32(field, value)
            case .int64:
                builder.appendInt64(field, try number(integerOnly: true, field: spec.name).integer)
            case .boolean:
                if bytes[index] == UInt8(ascii: "t") {
                    try literal("true")
                    builder.appendBoolean(field, true)
                } else {
                    try literal("false")
                    builder.appendBoolean(field, false)
                }
            case .timestampMicros:
                if bytes[index] == UInt8(ascii: "\"") {
                    let text = try rawString()
                    guard let micros = ISO8601Timestamp.parseMicros(text) else {
                        throw fail("field '\(spec.name)' is not an ISO-8601 timestamp")
                    }
                    builder.appendInt64(field, micros)
                } else {
                    guard !decoder.timestampsFromTextOnly else {
                        throw fail("field '\(spec.name)' is not an ISO-8601 timestamp")
                    }
                    let millis = try number(integerOnly: true, field: spec.name).integer
                    let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
                    guard !overflow else { throw fail("field '\(spec.name)' is out of range") }
                    builder.appendInt64(field, micros)
                }
            }
        }

        private mutating func literal(_ word: StaticString) throws(DecodeFailure) {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw fail("unexpected end of line") }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw fail("unexpected character")
            }
            index += count
        }

        /// A JSON number: its integer value (when it has no fraction or exponent) and its double value.
        private mutating func number(integerOnly: Bool, field: String) throws(DecodeFailure) -> (
            integer: Int64, double: Double
        ) {
            let start = index
            var negative = false
            if index < bytes.count && bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else {
                throw fail("field '\(field)' is not a number")
            }
            var mantissa: UInt64 = 0
            var digits = 0
            var exponent = 0
            let leadingZero = bytes[index] == 0x30
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] - 0x30) } else { exponent += 1 }
                digits += 1
                index += 1
            }
            if leadingZero && digits > 1 { throw fail("field '\(field)' has a leading zero") }
            var isInteger = true
            if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                var fractionDigits = 0
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    if digits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(bytes[index] - 0x30)
                        exponent -= 1
                        digits += 1
                    }
                    fractionDigits += 1
                    index += 1
                }
                guard fractionDigits > 0 else { throw fail("field '\(field)' is not a number") }
            }
            if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
                isInteger = false
                index += 1
                var exponentNegative = false
                if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                    exponentNegative = bytes[index] == UInt8(ascii: "-")
                    index += 1
                }
                var value = 0
                var exponentDigits = 0
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    value = min(value * 10 + Int(bytes[index] - 0x30), 100_000)
                    exponentDigits += 1
                    index += 1
                }
                guard exponentDigits > 0 else { throw fail("field '\(field)' is not a number") }
                exponent += exponentNegative ? -value : value
            }
            if isInteger {
                guard digits <= 19, mantissa <= UInt64(Int64.max) + (negative ? 1 : 0) else {
                    guard !integerOnly else { throw fail("field '\(field)' does not fit 64 bits") }
                    return (0, slowDouble(start))
                }
                let integer = negative ? Int64(truncatingIfNeeded: 0 &- mantissa) : Int64(mantissa)
                return (integer, Double(integer))
            }
            guard !integerOnly else { throw fail("field '\(field)' is not an integer") }
            if mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
                let magnitude = Double(mantissa)
                let value = exponent < 0 ? magnitude / Self.powers[-exponent] : magnitude * Self.powers[exponent]
                return (0, negative ? -value : value)
            }
            return (0, slowDouble(start))
        }

        private func slowDouble(_ start: Int) -> Double {
            Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) ?? .nan
        }

        /// Skips any value of a field the schema does not name.
        private mutating func skipValue(depth: Int) throws(DecodeFailure) {
            guard depth < 64 else { throw fail("nesting deeper than 64") }
            skipSpace()
            guard index < bytes.count else { throw fail("expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "\""): _ = try rawString()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let isObject = close == UInt8(ascii: "}")
                index += 1
                skipSpace()
                if index < bytes.count && bytes[index] == close {
                    index += 1
                    return
                }
                while true {
                    skipSpace()
                    if isObject {
                        _ = try rawString()
                        try expect(UInt8(ascii: ":"), "':'")
                    }
                    try skipValue(depth: depth + 1)
                    skipSpace()
                    guard index < bytes.count else { throw fail("unterminated value") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == close else { throw fail("expected ',' or a closing bracket") }
                    index += 1
                    return
                }
            default:
                _ = try number(integerOnly: false, field: "?")
            }
        }

        /// The general parser for lines with escapes; same rules, slower.
        private func parseSlowly(into builder: inout ColumnBuilder) -> Result<Void, DecodeFailure> {
            let fields: [(key: String, value: JSONValue)]
            do throws(JSONError) {
                fields = try JSONObjectParser.parse(bytes)
            } catch {
                return .failure(DecodeFailure(offset: error.offset, reason: error.reason))
            }
            for (key, value) in fields {
                guard let field = decoder.fields.firstIndex(where: { $0.name == key }) else {
                    guard !decoder.refusesUnknownFields else {
                        builder.discardRow()
                        return .failure(DecodeFailure(offset: 0, reason: "unknown field '\(key)'"))
                    }
                    continue
                }
                let spec = decoder.fields[field]
                if builder.set[field] {
                    builder.discardRow()
                    return .failure(DecodeFailure(offset: 0, reason: "duplicate field '\(key)'"))
                }
                switch (spec.kind, value) {
                case (_, .null) where !spec.required: continue
                case (.string, .string(var text)), (.text, .string(var text)), (.text, .nested(var text)):
                    text.withUTF8 { builder.appendString(field, UnsafeRawBufferPointer($0)) }
                case (.text, .integer(let number)):
                    var text = String(number)
                    text.withUTF8 { builder.appendString(field, UnsafeRawBufferPointer($0)) }
                case (.text, .double(let number)):
                    var text = String(number)
                    text.withUTF8 { builder.appendString(field, UnsafeRawBufferPointer($0)) }
                case (.text, .bool(let flag)):
                    var text = flag ? "true" : "false"
                    text.withUTF8 { builder.appendString(field, UnsafeRawBufferPointer($0)) }
                case (.double, .double(let number)): builder.appendDouble(field, number)
                case (.double, .integer(let number)): builder.appendDouble(field, Double(number))
                case (.int32, .integer(let number)) where Int32(exactly: number) != nil:
                    builder.appendInt32(field, Int32(number))
                case (.int64, .integer(let number)): builder.appendInt64(field, number)
                case (.boolean, .bool(let flag)): builder.appendBoolean(field, flag)
                case (.timestampMicros, .string(let text)) where ISO8601Timestamp.parseMicros(text) != nil:
                    builder.appendInt64(field, ISO8601Timestamp.parseMicros(text) ?? 0)
                case (.timestampMicros, .integer(let millis))
                where abs(millis) < Int64.max / 1000 && !decoder.timestampsFromTextOnly:
                    builder.appendInt64(field, millis * 1000)
                default:
                    builder.discardRow()
                    return .failure(DecodeFailure(offset: 0, reason: "field '\(key)' has the wrong type"))
                }
            }
            for (field, spec) in decoder.fields.enumerated() where spec.required && !builder.set[field] {
                builder.discardRow()
                return .failure(DecodeFailure(offset: 0, reason: "missing field '\(spec.name)'"))
            }
            return .success(())
        }
    }
}
