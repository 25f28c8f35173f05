/// Limits and options of a `ParquetFileReader`; every size a file declares is checked against them
/// before anything is allocated.
public struct ParquetReaderConfiguration: Sendable {
    /// Largest footer (FileMetaData) accepted. Default: 64 MiB.
    public var maxFooterSize = 64 << 20
    /// Largest page, compressed or not. Default: 256 MiB.
    public var maxPageSize = 256 << 20
    /// Largest column chunk read into memory at once. Default: 2 GiB.
    public var maxColumnChunkSize = 2 << 30
    /// Most values (nulls included) in one page. Default: 64 Mi.
    public var maxValuesPerPage = 64 << 20
    /// Most elements in one Thrift list and most bytes in one Thrift binary. Defaults: 10 M and 64 MiB.
    public var maxThriftListCount = 10_000_000
    public var maxThriftBinaryLength = 64 << 20
    /// Verify the CRC-32 of pages that carry one. Default: false.
    public var verifyChecksums = false

    public init() {}

    var thriftLimits: ThriftLimits {
        var limits = ThriftLimits()
        limits.maxListCount = maxThriftListCount
        limits.maxBinaryLength = maxThriftBinaryLength
        return limits
    }
}
