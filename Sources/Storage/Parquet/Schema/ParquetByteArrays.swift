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

    /// Empties the values; `keepingCapacity` keeps the storage for the next ones.
    public mutating func removeAll(keepingCapacity: Bool = false) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
        offsets.removeAll(keepingCapacity: keepingCapacity)
        offsets.append(0)
    }

    public mutating func reserveCapacity(values: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(values + 1)
        bytes.reserveCapacity(byteCount)
    }

    /// Appends raw bytes (the non-generic fast path decoders use).
    @inlinable
    public mutating func append(bytes value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    @inlinable
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

extension ParquetByteArrays {
    /// Appends `dictionary[index]` for every index, in order: the dictionary-decoding hot path.
    /// Every index must be below `dictionary.count` (the caller checked).
    mutating func appendGathered(from dictionary: ParquetByteArrays, indices: UnsafeBufferPointer<UInt32>)
        throws(ParquetError)
    {
        guard !indices.isEmpty else { return }
        var total = 0
        dictionary.offsets.withUnsafeBufferPointer { entries in
            for index in indices { total &+= Int(entries[Int(index) &+ 1] &- entries[Int(index)]) }
        }
        guard bytes.count + total <= Int(Int32.max) else {
            throw .sizeLimitExceeded(what: "byte array column batch", size: bytes.count + total, limit: Int(Int32.max))
        }
        let base = bytes.count
        Self.appendZeros(total, to: &bytes)
        let firstOffset = offsets.count
        offsets.append(contentsOf: [Int32](repeating: 0, count: indices.count))
        bytes.withUnsafeMutableBytes { output in
            offsets.withUnsafeMutableBufferPointer { outputOffsets in
                dictionary.bytes.withUnsafeBytes { source in
                    dictionary.offsets.withUnsafeBufferPointer { entries in
                        guard let out = output.baseAddress, let src = source.baseAddress else { return }
                        var write = base
                        for (position, index) in indices.enumerated() {
                            let start = Int(entries[Int(index)])
                            let length = Int(entries[Int(index) &+ 1]) &- start
                            Self.copy(out + write, src + start, length)
                            write &+= length
                            outputOffsets[firstOffset &+ position] = Int32(truncatingIfNeeded: write)
                        }
                    }
                }
            }
        }
    }

    /// Appends `count` PLAIN byte arrays (4-byte little-endian length, then the bytes) read from
    /// `source[start..<end]`, whose values take at most `bound` bytes; returns the position after them.
    /// The output is sized once for `bound`, each length is checked as it is read, and the unused end is
    /// trimmed: one pass, no per-value growth.
    mutating func appendLengthPrefixed(
        from source: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, bound: Int
    ) throws(ParquetError) -> Int {
        let base = bytes.count
        Self.appendZeros(bound, to: &bytes)
        let firstOffset = offsets.count
        offsets.append(contentsOf: [Int32](repeating: 0, count: count))
        var position = start
        var written = base
        var failure: ParquetError?
        bytes.withUnsafeMutableBytes { output in
            offsets.withUnsafeMutableBufferPointer { outputOffsets in
                guard let out = output.baseAddress, let src = source.baseAddress else { return }
                for index in 0..<count {
                    guard end - position >= 4 else {
                        failure = .corrupt("PLAIN byte array length ends early")
                        return
                    }
                    let length = Int(source.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
                    position &+= 4
                    // Within the page, and within the output: the length prefixes of the values still to
                    // come need their bytes too, so a value may not take those (the output has no room).
                    guard length <= end - position, length <= base &+ bound &- written else {
                        failure = .corrupt("PLAIN byte array of \(length) bytes runs past the page")
                        return
                    }
                    Self.copy(out + written, src + position, length)
                    written &+= length
                    position &+= length
                    outputOffsets[firstOffset &+ index] = Int32(truncatingIfNeeded: written)
                }
            }
        }
        if let failure {
            bytes.removeLast(bytes.count - base)
            offsets.removeLast(offsets.count - firstOffset)
            throw failure
        }
        bytes.removeLast(bytes.count - written)
        return position
    }

    /// 64 KiB of zeros: appending from it is a memcpy, where `repeatElement` appends byte by byte.
    private static let zeros = [UInt8](repeating: 0, count: 1 << 16)

    private static func appendZeros(_ count: Int, to array: inout [UInt8]) {
        array.reserveAdditional(count)
        var left = count
        zeros.withUnsafeBytes { zeros in
            while left > 0 {
                let step = Swift.min(left, zeros.count)
                array.append(contentsOf: UnsafeRawBufferPointer(rebasing: zeros[..<step]))
                left -= step
            }
        }
    }

    /// Copies a short run inline (most values are a few bytes) and a long one with memmove.
    @inline(__always)
    private static func copy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
        guard count <= 32 else {
            destination.copyMemory(from: source, byteCount: count)
            return
        }
        var i = 0
        while i + 8 <= count {
            destination.storeBytes(
                of: source.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            destination.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }
}
