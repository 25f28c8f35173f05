import Storage

/// libFuzzer target, the first byte choosing what the rest is: even, a footer alone (Thrift
/// `FileMetaData`); odd, a Parquet file in memory, read as `souk convert` and the engine's readers do:
/// footer, every row group's flat columns (page headers, decompression, levels, dictionary and value
/// decoding, page CRCs checked) or nested records. Limits are lowered so a hostile size is refused
/// before it is allocated. Oracle: nothing traps, and a footer that decodes encodes to bytes that decode
/// to the same footer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParquet(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var limits = ThriftLimits()
    limits.maxListCount = 100_000
    limits.maxBinaryLength = 1 << 20
    var configuration = ParquetReaderConfiguration()
    configuration.maxFooterSize = 1 << 20
    configuration.maxPageSize = 1 << 20
    configuration.maxColumnChunkSize = 4 << 20
    configuration.maxValuesPerPage = 1 << 20
    configuration.maxThriftListCount = 100_000
    configuration.maxThriftBinaryLength = 1 << 20
    configuration.verifyChecksums = true
    if data[0] % 2 == 0 {
        if let metadata = try? FileMetaData.decode(bytes, limits: limits) {
            let encoded = metadata.encoded()
            guard let again = try? FileMetaData.decode(encoded, limits: limits), again == metadata else {
                fatalError("a footer that decodes does not survive encode → decode")
            }
        }
        return 0
    }
    guard let reader = try? ParquetFileReader(bytes: bytes, configuration: configuration) else { return 0 }
    for group in 0..<min(reader.rowGroupCount, 16) {
        if reader.nestedColumnPaths.isEmpty {
            _ = try? reader.readRowGroup(group)
        } else {
            _ = try? reader.readRecords(ofRowGroup: group)
        }
    }
    return 0
}
