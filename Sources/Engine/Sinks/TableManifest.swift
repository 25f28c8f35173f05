import Foundation
import Storage

/// One manifest entry, `_souk_manifest/<batch>.json`: the parts batch N made visible and the state
/// of every part still open after it. The newest entry alone is enough to recover the table.
struct TableManifest: Codable, Sendable, Equatable {
    struct CommittedFile: Codable, Sendable, Equatable {
        /// Relative to the table: `date=…/hour=…/part-….parquet`.
        var path: String
        var rows: Int64
        var bytes: Int64
    }

    struct OpenPart: Codable, Sendable, Equatable {
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

    static let directoryName = "_souk_manifest"
    static let inProgressSuffix = ".inprogress"

    static func fileName(batch: Int64) -> String {
        let digits = String(batch)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    static func batch(ofFileName name: String) -> Int64? {
        guard name.hasSuffix(".json"), name.count == 25 else { return nil }
        return Int64(name.dropLast(5))
    }
}
