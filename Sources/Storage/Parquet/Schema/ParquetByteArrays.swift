/// Variable- or fixed-length byte strings stored contiguously: value `i` is `bytes[offsets[i]..<offsets[i+1]]`.
public struct ParquetByteArrays: Sendable, Hashable {
    /// All values back to back.
    public var bytes: [UInt8]
    /// `count + 1` offsets into `bytes`, starting at 0.
    public var offsets: [Int32]

    public init() {
        bytes = []
        offsets = [0]
    }

    /// Wraps existing storage; `offsets` must start at 0, never decrease and end at `bytes.count`.
    public init(bytes: [UInt8], offsets: [Int32]) throws(ParquetError) {
        guard offsets.first == 0, offsets.last.map({ Int($0) == bytes.count }) == true else {
            throw .invalidArgument("byte array offsets must start at 0 and end at bytes.count")
        }
        for i in 1..<offsets.count where offsets[i] < offsets[i - 1] {
            throw .invalidArgument("byte array offsets decrease at \(i)")
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    /// UTF-8 bytes of each string.
    public init<S: Sequence>(strings: S) where S.Element: StringProtocol {
        self.init()
        for s in strings { append(s) }
    }

    /// Each value's bytes.
    public init<S: Sequence>(values: S) where S.Element: Collection, S.Element.Element == UInt8 {
        self.init()
        for v in values { append(v) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserveCapacity(values: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(values + 1)
        bytes.reserveCapacity(byteCount)
    }

    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    public mutating func append<S: StringProtocol>(_ string: S) {
        bytes.append(contentsOf: string.utf8)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    public subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[Int(offsets[index])..<Int(offsets[index + 1])]
    }

    /// The value at `index` decoded as UTF-8 (invalid sequences replaced).
    public func string(at index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}
