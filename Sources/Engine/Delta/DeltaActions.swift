/// The actions of a Delta Lake commit (`_delta_log/<version>.json`, one action per line), as the Delta
/// protocol names them. Fields Souk does not use are left out when decoding other writers' commits.
package struct DeltaProtocol: Codable, Sendable, Equatable {
    package var minReaderVersion: Int
    package var minWriterVersion: Int

    package init(minReaderVersion: Int, minWriterVersion: Int) {
        self.minReaderVersion = minReaderVersion
        self.minWriterVersion = minWriterVersion
    }
}

/// The table's metadata: its id, schema (Delta's JSON schema as a string) and partition columns.
package struct DeltaMetadata: Codable, Sendable, Equatable {
    package struct Format: Codable, Sendable, Equatable {
        package var provider = "parquet"
        package var options: [String: String] = [:]
    }

    package var id: String
    package var name: String?
    package var description: String?
    package var format = Format()
    package var schemaString: String
    package var partitionColumns: [String]
    package var configuration: [String: String] = [:]
    package var createdTime: Int64?
}

/// A data file made part of the table.
package struct DeltaAdd: Codable, Sendable, Equatable {
    /// Relative to the table: `date=…/hour=…/part-….parquet`.
    package var path: String
    /// The partition columns' values as text; null for a null value.
    package var partitionValues: [String: String?]
    package var size: Int64
    /// Milliseconds since the epoch.
    package var modificationTime: Int64
    package var dataChange: Bool
    /// JSON: `numRecords`, `minValues`, `maxValues`, `nullCount`.
    package var stats: String?
}

/// A data file taken out of the table.
package struct DeltaRemove: Codable, Sendable, Equatable {
    package var path: String
    package var deletionTimestamp: Int64?
    package var dataChange: Bool
    package var extendedFileMetadata: Bool?
    package var partitionValues: [String: String?]?
    package var size: Int64?
}

/// The last version of an application's idempotent writes (`txn`): Souk's stream records its batch.
package struct DeltaTransaction: Codable, Sendable, Equatable {
    package var appId: String
    package var version: Int64
    package var lastUpdated: Int64?

    package init(appId: String, version: Int64, lastUpdated: Int64?) {
        self.appId = appId
        self.version = version
        self.lastUpdated = lastUpdated
    }
}

/// Provenance of a commit. Delta lets writers put anything here; Souk's sink keeps the state of its open
/// parts in `soukWriter`, so the newest commit alone is enough to resume them.
package struct DeltaCommitInfo: Codable, Sendable, Equatable {
    package var timestamp: Int64?
    package var operation: String?
    package var operationParameters: [String: String]?
    package var engineInfo: String?
    package var isBlindAppend: Bool?
    package var soukWriter: TableManifest?
}

/// One line of a commit: exactly one of its fields is set.
package struct DeltaAction: Codable, Sendable, Equatable {
    package var `protocol`: DeltaProtocol?
    package var metaData: DeltaMetadata?
    package var add: DeltaAdd?
    package var remove: DeltaRemove?
    package var txn: DeltaTransaction?
    package var commitInfo: DeltaCommitInfo?

    package init(
        protocol: DeltaProtocol? = nil, metaData: DeltaMetadata? = nil, add: DeltaAdd? = nil,
        remove: DeltaRemove? = nil, txn: DeltaTransaction? = nil, commitInfo: DeltaCommitInfo? = nil
    ) {
        self.protocol = `protocol`
        self.metaData = metaData
        self.add = add
        self.remove = remove
        self.txn = txn
        self.commitInfo = commitInfo
    }
}
