/// Settings of a `ParquetFileWriter`; `init()` gives the defaults other writers use.
public struct ParquetWriterConfiguration: Sendable {
    /// Page compression.
    public enum Compression: Sendable, Hashable {
        case none, snappy, lz4Raw
        /// gzip at a zlib level 1…9.
        case gzip(level: Int = 6)
        /// zstd at a level (1 is fast and what pyarrow uses).
        case zstd(level: Int = 1)
    }

    /// Data page format.
    public enum DataPageVersion: Sendable, Hashable {
        /// Levels and values compressed together; the most widely read format.
        case v1
        /// Levels uncompressed in front of the compressed values.
        case v2
    }

    /// Encoding of values that are not dictionary-encoded (or after the dictionary fell back).
    public enum ValueEncoding: Sendable, Hashable {
        case plain
        /// For INT32/INT64 columns (ints, dates, timestamps).
        case deltaBinaryPacked
        /// For FLOAT/DOUBLE columns.
        case byteStreamSplit
    }

    /// Per-column overrides.
    public struct ColumnOptions: Sendable, Hashable {
        /// Dictionary-encode this column; nil follows `dictionaryEnabled`.
        public var dictionary: Bool?
        /// Encoding of non-dictionary pages. Default: PLAIN.
        public var encoding: ValueEncoding

        public init(dictionary: Bool? = nil, encoding: ValueEncoding = .plain) {
            self.dictionary = dictionary
            self.encoding = encoding
        }
    }

    /// Codec for every page. Default: snappy (raw block format), as pyarrow.
    public var compression: Compression = .snappy
    /// Data page version. Default: v1.
    public var dataPageVersion: DataPageVersion = .v1
    /// Dictionary-encode columns (not booleans). Default: true.
    public var dictionaryEnabled = true
    /// Plain-encoded dictionary size past which a column falls back to its value encoding. Default: 1 MiB.
    public var dictionaryPageSizeLimit = 1 << 20
    /// Per-column options by column name. Default: none.
    public var columnOptions: [String: ColumnOptions] = [:]
    /// Uncompressed data page size at which a page is cut. Default: 1 MiB.
    public var pageSizeLimit = 1 << 20
    /// Rows at which a page is cut. Default: 20,000.
    public var pageRowLimit = 20_000
    /// Rows at which a row group is flushed. Default: 1 Mi (1,048,576).
    public var rowGroupRowLimit = 1 << 20
    /// Buffered encoded bytes at which a row group is flushed. Default: 128 MiB.
    public var rowGroupByteLimit = 128 << 20
    /// Write a ColumnIndex and an OffsetIndex per column chunk. Default: true.
    public var writePageIndex = true
    /// Write a CRC-32 in every page header. Default: false.
    public var writePageChecksums = false
    /// Longest BYTE_ARRAY min/max in statistics; longer values are truncated (max rounded up). Default: 64.
    public var statisticsTruncateLength = 64
    /// File-level key-value metadata, written sorted by key. Default: empty.
    public var keyValueMetadata: [String: String] = [:]
    /// Encode and compress the columns of a large batch on several threads at once (Dispatch's
    /// `concurrentPerform`, off Swift's cooperative pool), rather than one after another on the
    /// calling thread. Default: false.
    public var parallelColumns = false
    /// `created_by` in the footer. Default: `souk version <SoukVersion.current>`.
    public var createdBy = "souk version \(SoukVersion.current)"

    public init() {}

    func options(for column: String) -> ColumnOptions {
        columnOptions[column] ?? ColumnOptions()
    }

    /// The codec and its Thrift code.
    func makeCodec() -> (code: CompressionCodecCode, codec: (any Codec)?) {
        switch compression {
        case .none: (.uncompressed, nil)
        case .snappy: (.snappy, SnappyCodec())
        case .lz4Raw: (.lz4Raw, LZ4RawCodec())
        case .gzip(let level): (.gzip, GzipCodec(level: Int32(clamping: level)))
        case .zstd(let level): (.zstd, ZstdCodec(level: Int32(clamping: level)))
        }
    }

    func validate() throws(ParquetError) {
        guard pageSizeLimit > 0, pageRowLimit > 0, rowGroupRowLimit > 0, rowGroupByteLimit > 0,
            dictionaryPageSizeLimit > 0, statisticsTruncateLength > 0
        else { throw .invalidArgument("writer limits must be positive") }
    }
}
