import Foundation
import Storage

/// The state of a table sink after batch N: the synced length and row groups of every part still open.
/// Kept in the Delta commit of a batch that rolled parts (`commitInfo.soukWriter`), else in
/// `_souk_writer/<batch>.json`; the newest of them alone is enough to resume the open parts. Tables of
/// older Souk versions kept one per batch in `_souk_manifest/`, with the parts each batch made visible.
package struct TableManifest: Codable, Sendable, Equatable {
    package struct CommittedFile: Codable, Sendable, Equatable {
        /// Relative to the table: `date=…/hour=…/part-….parquet`.
        var path: String
        var rows: Int64
        var bytes: Int64
    }

    package struct OpenPart: Codable, Sendable, Equatable {
        /// The final relative path; the file is at this path plus `.inprogress` until it rolls.
        var path: String
        var createdMicros: Int64
        var length: Int64
        var rows: Int64
        /// Base64 of the Thrift row-group metadata (`ParquetPartState.rowGroups`).
        var rowGroups: String

        var state: ParquetPartState? {
            Data(base64Encoded: rowGroups).map { ParquetPartState(length: length, rows: rows, rowGroups: Array($0)) }
        }
    }

    var batch: Int64
    var committed: [CommittedFile]
    var open: [OpenPart]
    /// The event-time watermark the batch applied (µs); what compaction measures an hour's age by.
    var watermarkMicros: Int64?

    static let writerDirectoryName = "_souk_writer"
    static let legacyDirectoryName = "_souk_manifest"
    static let inProgressSuffix = ".inprogress"
    /// What a part a compaction replaced is renamed to, until it is deleted.
    static let removedSuffix = ".removed"

    static func fileName(batch: Int64) -> String {
        let digits = String(batch)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    static func batch(ofFileName name: String) -> Int64? {
        guard name.hasSuffix(".json"), name.count == 25 else { return nil }
        return Int64(name.dropLast(5))
    }
}
