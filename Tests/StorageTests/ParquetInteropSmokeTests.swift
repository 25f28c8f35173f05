import Foundation
import Testing

@testable import Storage

/// Writes sample files for external readers when `SOUK_PARQUET_SAMPLE_DIR` is set (used by hand and by the interop grid).
@Suite struct ParquetInteropSmokeTests {
    @Test func writeSampleFiles() throws {
        guard let directory = ProcessInfo.processInfo.environment["SOUK_PARQUET_SAMPLE_DIR"] else { return }
        for (name, version, compression) in [
            ("v1_snappy", ParquetWriterConfiguration.DataPageVersion.v1, ParquetWriterConfiguration.Compression.snappy),
            ("v2_zstd", .v2, .zstd()), ("v1_none", .v1, .none), ("v1_gzip", .v1, .gzip()), ("v2_lz4raw", .v2, .lz4Raw),
        ] {
            var config = ParquetWriterConfiguration()
            config.dataPageVersion = version
            config.compression = compression
            config.pageRowLimit = 1000
            config.rowGroupRowLimit = 3000
            config.keyValueMetadata = ["souk.test": name]
            config.columnOptions["qty"] = .init(dictionary: false, encoding: .deltaBinaryPacked)
            config.columnOptions["price"] = .init(dictionary: false, encoding: .byteStreamSplit)
            let writer = try ParquetFileWriter(
                path: "\(directory)/\(name).parquet", schema: SampleBatches.schema, configuration: config)
            try writer.append(SampleBatches.batch(rows: 5000))
            try writer.append(SampleBatches.batch(rows: 2500, start: 5000))
            try writer.close()
        }
    }
}
