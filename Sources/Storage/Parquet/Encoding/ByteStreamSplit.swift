/// BYTE_STREAM_SPLIT: byte k of every value goes to stream k; streams are stored one after another.
enum ByteStreamSplit {
    /// Appends the split encoding of `count` values of `width` bytes stored contiguously in `values`.
    static func encode(_ values: UnsafeRawBufferPointer, width: Int, into output: inout [UInt8]) {
        let count = values.count / width
        let base = output.count
        output.append(contentsOf: repeatElement(0, count: count * width))
        output.withUnsafeMutableBytes { dest in
            for i in 0..<count {
                for k in 0..<width { dest[base + k * count + i] = values[i * width + k] }
            }
        }
    }

    /// Joins `count` values of `width` bytes from the streams in `bytes[start..<end]`; returns the raw value bytes.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, count: Int, width: Int
    ) throws(ParquetError) -> [UInt8] {
        guard width > 0, count >= 0, count <= (end - start) / width else {
            throw .corrupt("BYTE_STREAM_SPLIT data holds fewer than \(count) values")
        }
        let total = end - start
        // The streams split the whole value section, so its size fixes the count.
        guard total % width == 0 else {
            throw .corrupt("BYTE_STREAM_SPLIT size \(total) is not a multiple of \(width)")
        }
        let streamLength = total / width
        return [UInt8](unsafeUninitializedCapacity: count * width) { out, initialized in
            for i in 0..<count {
                for k in 0..<width { out[i * width + k] = bytes[start + k * streamLength + i] }
            }
            initialized = count * width
        }
    }
}
