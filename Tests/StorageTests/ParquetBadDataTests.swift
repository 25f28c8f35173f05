import Foundation
import Testing

@testable import Storage

/// Malformed files give a typed error or values: never a crash, a hang or an allocation sized by an unchecked header.
@Suite struct ParquetBadDataTests {
    static let shared = ParquetTestingFilesTests.dataDirectory.deletingLastPathComponent()

    /// Reads everything readable; returns the error, if any. Any non-ParquetError would not compile (typed throws).
    @discardableResult
    static func readEverything(_ bytes: [UInt8], verify: Bool = false) -> ParquetError? {
        var config = ParquetReaderConfiguration()
        config.verifyChecksums = verify
        config.maxPageSize = 16 << 20
        config.maxValuesPerPage = 1 << 20
        do throws(ParquetError) {
            let reader = try ParquetFileReader(bytes: bytes, configuration: config)
            for g in 0..<reader.rowGroupCount {
                if reader.nestedColumnPaths.isEmpty { _ = try reader.readRowGroup(g) }
                // Whole records too: every leaf through its levels, nested or not.
                _ = try reader.readRecords(ofRowGroup: g)
            }
            return nil
        } catch { return error }
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: shared.appendingPathComponent("bad_data").path),
            "../shared/parquet-testing is not beside the repository"))
    func badDataFilesFailWithTypedErrors() throws {
        let directory = Self.shared.appendingPathComponent("bad_data")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.filter { $0.hasSuffix(".parquet") }.count >= 6)
        // These two are malformed only in the repetition levels of nested columns: the flat reader never
        // decodes them, record assembly refuses them (as pyarrow does).
        let nestedOnly: Set = ["ARROW-RS-GH-6229-LEVELS.parquet", "ARROW-GH-45185.parquet"]
        for name in names.sorted() where name.hasSuffix(".parquet") {
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
            let error = Self.readEverything(bytes)
            if nestedOnly.contains(name) {
                let reader = try ParquetFileReader(bytes: bytes)
                #expect(!reader.nestedColumnPaths.isEmpty, "\(name)")
                if let nested = reader.nestedColumnPaths.first {
                    #expect(throws: ParquetError.self) { try reader.readRowGroup(0, columns: [nested]) }
                }
                #expect(throws: ParquetError.self, "\(name)") {
                    for group in 0..<reader.rowGroupCount { _ = try reader.readRecords(ofRowGroup: group) }
                }
            } else {
                #expect(error != nil, "\(name) was read without an error")
            }
        }
    }

    @Test func corruptChecksumsAreDetectedWhenAsked() throws {
        let data = Self.shared.appendingPathComponent("data")
        guard FileManager.default.fileExists(atPath: data.path) else { return }
        for name in ["datapage_v1-corrupt-checksum.parquet", "rle-dict-uncompressed-corrupt-checksum.parquet"] {
            let bytes = try [UInt8](Data(contentsOf: data.appendingPathComponent(name)))
            guard case .checksumMismatch? = Self.readEverything(bytes, verify: true) else {
                Issue.record("\(name): corrupt checksum not detected")
                continue
            }
            #expect(Self.readEverything(bytes, verify: false) == nil)
        }
        for name in [
            "datapage_v1-snappy-compressed-checksum.parquet", "plain-dict-uncompressed-checksum.parquet",
            "rle-dict-snappy-checksum.parquet",
        ] {
            let bytes = try [UInt8](Data(contentsOf: data.appendingPathComponent(name)))
            #expect(Self.readEverything(bytes, verify: true) == nil, "\(name)")
        }
    }

    static func seedFiles() throws -> [[UInt8]] {
        var config = ParquetWriterConfiguration()
        config.pageRowLimit = 50
        config.rowGroupRowLimit = 120
        var files: [[UInt8]] = []
        for version in [ParquetWriterConfiguration.DataPageVersion.v1, .v2] {
            config.dataPageVersion = version
            config.columnOptions["qty"] = .init(dictionary: false, encoding: .deltaBinaryPacked)
            let writer = try ParquetFileWriter(schema: SampleBatches.schema, configuration: config)
            try writer.append(SampleBatches.batch(rows: 300))
            files.append(Array(try writer.finishInMemory().readableBytesView))
        }
        files.append(
            try ParquetNestedWriter.encode(
                schema: ParquetNestedWriterTests.schema, records: ParquetNestedWriterTests.records))
        let data = shared.appendingPathComponent("data")
        for name in [
            "alltypes_plain.parquet", "delta_byte_array.parquet", "nulls.snappy.parquet",
            "byte_stream_split.zstd.parquet", "nullable.impala.parquet",
        ] {
            if let bytes = try? Data(contentsOf: data.appendingPathComponent(name)) { files.append([UInt8](bytes)) }
        }
        return files
    }

    @Test func truncatedFilesFailCleanly() throws {
        for file in try Self.seedFiles() {
            var rng = SplitMix64(seed: UInt64(file.count))
            for _ in 0..<20 {
                let cut = Int(rng.next() % UInt64(file.count))
                #expect(Self.readEverything(Array(file.prefix(cut))) != nil, "truncated to \(cut) of \(file.count)")
            }
        }
    }

    @Test func bitFlipsNeverCrash() throws {
        var outcomes = (errors: 0, values: 0)
        for file in try Self.seedFiles() {
            var rng = SplitMix64(seed: 0xB17F_11B5 &+ UInt64(file.count))
            for _ in 0..<60 {
                var mutated = file
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    // Favour the footer and page headers, where lengths live.
                    let nearEnd = rng.next() % 2 == 0
                    let span = nearEnd ? min(file.count, 400) : file.count
                    let index =
                        nearEnd ? file.count - 1 - Int(rng.next() % UInt64(span)) : Int(rng.next() % UInt64(span))
                    mutated[index] ^= UInt8(1 << (rng.next() % 8))
                }
                if Self.readEverything(mutated) == nil { outcomes.values += 1 } else { outcomes.errors += 1 }
            }
        }
        #expect(outcomes.errors > 0)
    }
}
