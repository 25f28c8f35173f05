// `withUnsafeBytes` is `rethrows`, which erases typed errors; this keeps `ParquetError` typed.

extension Array where Element == UInt8 {
    @inlinable
    func withParquetBytes<T>(_ body: (UnsafeRawBufferPointer) throws(ParquetError) -> T) throws(ParquetError) -> T {
        let result: Result<T, ParquetError> = withUnsafeBytes { raw in
            do throws(ParquetError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
