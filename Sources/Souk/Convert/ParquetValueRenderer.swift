import Storage

/// Renders Parquet values as JSON text for `souk convert FILE.parquet OUT.jsonl`: numbers as JSON
/// numbers, timestamps as ISO-8601 (with `Z` when adjusted to UTC), dates as `YYYY-MM-DD`,
/// decimals as strings, UUIDs in their text form, other binary as base64, nulls as `null`.
/// NaN and infinities, which JSON cannot carry, become the strings "NaN", "Infinity", "-Infinity".
struct ParquetValueRenderer {
    let column: ParquetColumn

    /// Appends the JSON text of value `index` of `values` to `output`.
    func append(_ values: ParquetColumnValues, at index: Int, to output: inout String) {
        switch values {
        case .boolean(let flags):
            output += flags[index] ? "true" : "false"
        case .int32(let integers):
            appendInteger(Int64(integers[index]), unsigned: UInt64(UInt32(bitPattern: integers[index])), to: &output)
        case .int64(let integers):
            appendInteger(integers[index], unsigned: UInt64(bitPattern: integers[index]), to: &output)
        case .float(let floats):
            appendDouble(Double(floats[index]), to: &output)
        case .double(let doubles):
            appendDouble(doubles[index], to: &output)
        case .byteArray(let arrays), .fixedLenByteArray(let arrays):
            appendBytes(arrays[index], to: &output)
        }
    }

    private func appendInteger(_ signed: Int64, unsigned: UInt64, to output: inout String) {
        switch column.logicalType {
        case .integer(_, false):
            output += String(unsigned)
        case .date:
            output += "\"\(ISO8601Timestamp.formatDate(daysSinceEpoch: signed))\""
        case .timestamp(let unit, let isAdjustedToUTC):
            appendTimestamp(signed, unit: unit, utc: isAdjustedToUTC, to: &output)
        case .decimal(_, let scale):
            output += "\"\(DecimalText.format(unscaled: signed, scale: scale))\""
        default:
            if column.physicalType == .int96 {
                appendTimestamp(signed, unit: .micros, utc: true, to: &output)
            } else {
                output += String(signed)
            }
        }
    }

    private func appendTimestamp(_ value: Int64, unit: ParquetTimeUnit, utc: Bool, to output: inout String) {
        let micros: Int64
        switch unit {
        case .millis: micros = value.multipliedReportingOverflow(by: 1000).partialValue
        case .micros: micros = value
        case .nanos: micros = ISO8601Timestamp.floorDivide(value, 1000).0
        }
        var text = ISO8601Timestamp.format(micros: micros, suffix: .utcZ)
        if !utc { text.removeLast() }
        output += "\"\(text)\""
    }

    private func appendDouble(_ value: Double, to output: inout String) {
        if value.isNaN {
            output += "\"NaN\""
        } else if value.isInfinite {
            output += value > 0 ? "\"Infinity\"" : "\"-Infinity\""
        } else {
            output += value.description
        }
    }

    private func appendBytes(_ bytes: ArraySlice<UInt8>, to output: inout String) {
        switch column.logicalType {
        case .string, .json, .enumeration:
            JSONText.appendQuoted(String(decoding: bytes, as: UTF8.self), to: &output)
        case .decimal(_, let scale):
            output += "\"\(DecimalText.format(bigEndianTwosComplement: bytes, scale: scale))\""
        case .uuid where bytes.count == 16:
            output += "\"\(Self.uuidText(bytes))\""
        default:
            output += "\"\(Base64.encode(bytes))\""
        }
    }

    private static func uuidText(_ bytes: ArraySlice<UInt8>) -> String {
        let hex = bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        let groups = [0..<4, 4..<6, 6..<8, 8..<10, 10..<16]
        return groups.map { hex[$0].joined() }.joined(separator: "-")
    }
}

/// Decimal values as text, from an unscaled integer of any width.
enum DecimalText {
    static func format(unscaled: Int64, scale: Int) -> String {
        place(digits: String(unscaled.magnitude), negative: unscaled < 0, scale: scale)
    }

    /// A big-endian two's-complement integer (Parquet's FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY decimals).
    static func format(bigEndianTwosComplement bytes: ArraySlice<UInt8>, scale: Int) -> String {
        guard let first = bytes.first else { return place(digits: "0", negative: false, scale: scale) }
        let negative = first & 0x80 != 0
        // Magnitude: for negatives, invert and add one.
        var magnitude = bytes.map { negative ? ~$0 : $0 }
        if negative {
            var index = magnitude.count - 1
            while index >= 0 {
                let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
                magnitude[index] = sum
                if !overflow { break }
                index -= 1
            }
        }
        // Repeated division by 10 of the base-256 number.
        var digits: [UInt8] = []
        var number = magnitude
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in number.indices {
                let current = remainder * 256 + Int(number[index])
                number[index] = UInt8(current / 10)
                remainder = current % 10
            }
            digits.append(UInt8(remainder))
        }
        let text = digits.isEmpty ? "0" : String(digits.reversed().map { Character(String($0)) })
        return place(digits: text, negative: negative, scale: scale)
    }

    private static func place(digits: String, negative: Bool, scale: Int) -> String {
        var text = digits
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        } else if scale < 0 {
            text += String(repeating: "0", count: -scale)
        }
        return negative && digits != "0" ? "-" + text : text
    }
}

/// Standard base64 (RFC 4648), with padding.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: ArraySlice<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let remaining = bytes.endIndex - index
            let b0 = bytes[index]
            let b1 = remaining > 1 ? bytes[index + 1] : 0
            let b2 = remaining > 2 ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(remaining > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
