import NIOCore

/// Test helpers for writing expected bytes compactly.
extension ByteBuffer {
    /// A buffer of the given bytes.
    init(_ bytes: [UInt8]) {
        self.init(bytes: bytes)
    }

    /// The readable bytes as an array.
    var bytes: [UInt8] { Array(readableBytesView) }

    /// A buffer from a hex string (whitespace ignored); empty on invalid input, which fails the test that uses it.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2, limitedBy: digits.endIndex) ?? digits.endIndex
            guard let byte = UInt8(digits[index..<next], radix: 16) else {
                self.init()
                return
            }
            bytes.append(byte)
            index = next
        }
        self.init(bytes: bytes)
    }
}

/// Encodes with a closure and returns the bytes.
func encoded(_ body: (inout ByteBuffer) -> Void) -> [UInt8] {
    var buffer = ByteBuffer()
    body(&buffer)
    return buffer.bytes
}
