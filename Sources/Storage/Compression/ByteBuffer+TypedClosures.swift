import NIOCore

// NIO's pointer accessors are `rethrows`, which erases typed errors. These keep a codec's
// `CodecError` typed by carrying it out of the closure as a `Result`.

extension ByteBuffer {
    /// `withUnsafeReadableBytes` for a closure that throws `CodecError`.
    @inlinable
    func withUnsafeReadableBytesTyped<T>(
        _ body: (UnsafeRawBufferPointer) throws(CodecError) -> T
    ) throws(CodecError) -> T {
        let result: Result<T, CodecError> = withUnsafeReadableBytes { bytes in
            do throws(CodecError) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Reserves at least `minimumWritableBytes`, lets `body` fill a prefix of them and returns how
    /// many it wrote; the writer index moves by that count.
    @inlinable
    mutating func writeWithUnsafeMutableBytesTyped(
        minimumWritableBytes: Int, _ body: (UnsafeMutableRawBufferPointer) throws(CodecError) -> Int
    ) throws(CodecError) {
        var failure: CodecError?
        writeWithUnsafeMutableBytes(minimumWritableBytes: minimumWritableBytes) { space in
            do throws(CodecError) { return try body(space) } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a closure that throws `CodecError`.
    @inlinable
    func withUnsafeBytesTyped<T>(_ body: (UnsafeRawBufferPointer) throws(CodecError) -> T) throws(CodecError) -> T {
        let result: Result<T, CodecError> = withUnsafeBytes { bytes in
            do throws(CodecError) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
