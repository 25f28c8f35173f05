extension StatisticValue {
    /// The PLAIN bytes of a min (`isMin`) or max statistic, truncated to `limit` bytes for byte arrays.
    /// Returns nil when a truncated max cannot be rounded up. Zero floats follow the spec: min -0, max +0.
    func encoded(isMin: Bool, limit: Int, isUTF8: Bool) -> (bytes: [UInt8], exact: Bool)? {
        var out: [UInt8] = []
        switch self {
        case .boolean(let b): out = [b ? 1 : 0]
        case .int32(let v): appendLittleEndian(v, to: &out)
        case .int64(let v): appendLittleEndian(v, to: &out)
        case .float(let v):
            let value: Float = v == 0 ? (isMin ? -0.0 : 0.0) : v
            appendLittleEndian(value.bitPattern, to: &out)
        case .double(let v):
            let value: Double = v == 0 ? (isMin ? -0.0 : 0.0) : v
            appendLittleEndian(value.bitPattern, to: &out)
        case .bytes(let bytes):
            guard bytes.count > limit else { return (bytes, true) }
            if isMin {
                return (Self.prefix(bytes, limit, isUTF8: isUTF8), false)
            }
            guard let rounded = isUTF8 ? Self.roundUpUTF8(bytes, limit) : Self.roundUpBinary(bytes, limit) else {
                return nil
            }
            return (rounded, false)
        }
        return (out, true)
    }

    /// The first `limit` bytes, cut back to a character boundary for UTF-8.
    static func prefix(_ bytes: [UInt8], _ limit: Int, isUTF8: Bool) -> [UInt8] {
        var cut = min(limit, bytes.count)
        if isUTF8 {
            while cut > 0 && cut < bytes.count && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        }
        return Array(bytes[0..<cut])
    }

    /// Smallest byte string of at most `limit` bytes that is ≥ `bytes`: increment the last byte that can be.
    static func roundUpBinary(_ bytes: [UInt8], _ limit: Int) -> [UInt8]? {
        var prefix = Array(bytes[0..<min(limit, bytes.count)])
        while let last = prefix.last {
            if last < 0xFF {
                prefix[prefix.count - 1] = last + 1
                return prefix
            }
            prefix.removeLast()
        }
        return nil
    }

    /// Like `roundUpBinary` but keeps valid UTF-8 by incrementing the last code point.
    static func roundUpUTF8(_ bytes: [UInt8], _ limit: Int) -> [UInt8]? {
        let cut = prefix(bytes, limit, isUTF8: true)
        guard let text = String(validating: cut, as: UTF8.self) else { return roundUpBinary(bytes, limit) }
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next >= 0xD800 && next <= 0xDFFF { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                var result = String(String.UnicodeScalarView(scalars))
                result.unicodeScalars.append(scalar)
                let encoded = Array(result.utf8)
                if encoded.count <= limit { return encoded }
            }
        }
        return nil
    }
}
