import Storage

/// Renders decoded values as the strings `Fixtures/parquet-testing/generate.py` writes for pyarrow's values.
enum ValueNormalizer {
    static func rows(_ buffer: ParquetColumnBuffer, column: ParquetColumn) -> [String?] {
        let values = strings(buffer.values, column: column)
        guard let validity = buffer.validity else { return values }
        var result: [String?] = []
        result.reserveCapacity(validity.count)
        var next = 0
        for present in validity {
            if present {
                result.append(values[next])
                next += 1
            } else {
                result.append(nil)
            }
        }
        return result
    }

    static func strings(_ values: ParquetColumnValues, column: ParquetColumn) -> [String] {
        let unsigned: Bool
        if case .integer(_, false) = column.logicalType { unsigned = true } else { unsigned = false }
        switch values {
        case .boolean(let v): return v.map { $0 ? "true" : "false" }
        case .int32(let v): return v.map { unsigned ? String(UInt32(bitPattern: $0)) : String($0) }
        case .int64(let v): return v.map { unsigned ? String(UInt64(bitPattern: $0)) : String($0) }
        case .float(let v): return v.map { $0.isNaN ? "nan" : hex(littleEndian: $0.bitPattern) }
        case .double(let v): return v.map { $0.isNaN ? "nan" : hex(littleEndian: $0.bitPattern) }
        case .byteArray(let a), .fixedLenByteArray(let a):
            return (0..<a.count).map { i in
                let bytes = Array(a[i])
                if case .decimal = column.logicalType { return decimalString(bytes) }
                if column.logicalType == .float16, bytes.count == 2 {
                    let bits = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
                    if bits & 0x7C00 == 0x7C00 && bits & 0x03FF != 0 { return "nan" }
                }
                return hex(bytes)
            }
        }
    }

    static func hex<T: FixedWidthInteger>(littleEndian value: T) -> String {
        withUnsafeBytes(of: value.littleEndian) { hex(Array($0)) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }

    /// Big-endian two's complement (at most 16 bytes) as a decimal integer string.
    static func decimalString(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty, bytes.count <= 16 else { return hex(bytes) }
        var value: Int128 = bytes[0] >= 0x80 ? -1 : 0
        for b in bytes { value = value << 8 | Int128(b) }
        return String(value)
    }
}
