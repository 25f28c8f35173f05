/// Decodes PLAIN values, bounded by the byte range and the declared value count.
enum PlainDecoder {
    /// Decodes `count` fixed-width values from `bytes[start..<end]`; returns the end offset.
    @discardableResult
    static func decode<T: BitwiseCopyable>(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, as type: T.Type, into output: inout [T]
    ) throws(ParquetError) -> Int {
        let size = MemoryLayout<T>.size
        guard count >= 0, count <= (end - start) / size else {
            throw .corrupt("PLAIN data holds fewer than \(count) values of \(size) bytes")
        }
        let byteCount = count * size
        let source = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + byteCount)])
        let decoded = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            initialized = count
        }
        if output.isEmpty { output = decoded } else { output.append(contentsOf: decoded) }
        return start + byteCount
    }

    static func decodeBooleans(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, into output: inout [Bool]
    ) throws(ParquetError) -> Int {
        guard count >= 0, (count + 7) / 8 <= end - start else { throw .corrupt("PLAIN booleans end early") }
        output.reserveAdditional(count)
        for i in 0..<count { output.append(bytes[start + i >> 3] >> UInt8(i & 7) & 1 == 1) }
        return start + (count + 7) / 8
    }

    /// Decodes `count` length-prefixed byte arrays.
    static func decodeByteArrays(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, into output: inout ParquetByteArrays
    ) throws(ParquetError) -> Int {
        guard count >= 0, count <= (end - start) / 4 else {
            throw .corrupt("PLAIN byte arrays: too few bytes for \(count) values")
        }
        // The values take at most the page's bytes less the length prefixes: size the output once for
        // that, copy while checking each length, then trim to what was used.
        let bound = end - start - 4 * count
        guard output.bytes.count + bound <= Int(Int32.max) else {
            throw .sizeLimitExceeded(
                what: "byte array column batch", size: output.bytes.count + bound, limit: Int(Int32.max))
        }
        return try output.appendLengthPrefixed(from: bytes, start: start, end: end, count: count, bound: bound)
    }

    /// Decodes `count` fixed-length arrays of `width` bytes.
    static func decodeFixedByteArrays(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, width: Int,
        into output: inout ParquetByteArrays
    ) throws(ParquetError) -> Int {
        guard width > 0, count >= 0, count <= (end - start) / width else {
            throw .corrupt("PLAIN fixed-length arrays: too few bytes for \(count) values")
        }
        guard output.bytes.count + count * width <= Int(Int32.max) else {
            throw .sizeLimitExceeded(
                what: "byte array column batch", size: output.bytes.count + count * width, limit: Int(Int32.max))
        }
        output.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count * width)]))
        output.offsets.reserveAdditional(count)
        var offset = output.offsets.last ?? 0
        for _ in 0..<count {
            offset += Int32(width)
            output.offsets.append(offset)
        }
        return start + count * width
    }
}
