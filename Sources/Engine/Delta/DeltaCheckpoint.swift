import Foundation
import Storage

/// Delta checkpoints: the whole state of a table at one version in one Parquet file
/// (`_delta_log/<version>.checkpoint.parquet`), so readers start there instead of replaying every commit,
/// and `_delta_log/_last_checkpoint` naming the newest. One row per action: the protocol, the metadata,
/// each application's `txn`, each live file's `add`; the other columns of a row are null.
package enum DeltaCheckpoint {
    /// A checkpoint is written after every version that is a multiple of this.
    package static let interval: Int64 = 10
    package static let lastCheckpointName = "_last_checkpoint"

    package static func fileName(version: Int64) -> String {
        String(DeltaLog.fileName(version: version).dropLast(5)) + ".checkpoint.parquet"
    }

    /// The checkpoint's schema, as Delta's reference writers lay it out.
    static let schema: [ParquetNode] = {
        let stringMap = { (name: String) in
            ParquetNode.map(name: name, repetition: .optional, key: .string("key"), value: .leaf(.string("value")))
        }
        return [
            .group(
                name: "txn", repetition: .optional,
                children: [.leaf(.string("appId")), .leaf(.int64("version")), .leaf(.int64("lastUpdated"))]),
            .group(
                name: "add", repetition: .optional,
                children: [
                    .leaf(.string("path")), stringMap("partitionValues"), .leaf(.int64("size")),
                    .leaf(.int64("modificationTime")), .leaf(.boolean("dataChange")), .leaf(.string("stats")),
                    stringMap("tags"),
                ]),
            .group(
                name: "remove", repetition: .optional,
                children: [
                    .leaf(.string("path")), .leaf(.int64("deletionTimestamp")), .leaf(.boolean("dataChange")),
                    .leaf(.boolean("extendedFileMetadata")), stringMap("partitionValues"), .leaf(.int64("size")),
                ]),
            .group(
                name: "metaData", repetition: .optional,
                children: [
                    .leaf(.string("id")), .leaf(.string("name")), .leaf(.string("description")),
                    .group(
                        name: "format", repetition: .optional,
                        children: [.leaf(.string("provider")), stringMap("options")]),
                    .leaf(.string("schemaString")),
                    .list(name: "partitionColumns", repetition: .optional, element: .leaf(.string("element"))),
                    stringMap("configuration"), .leaf(.int64("createdTime")),
                ]),
            .group(
                name: "protocol", repetition: .optional,
                children: [.leaf(.int32("minReaderVersion")), .leaf(.int32("minWriterVersion"))]),
        ]
    }()

    /// The checkpoint file's bytes for `snapshot`.
    package static func encode(_ snapshot: DeltaSnapshot) throws(DeltaError) -> [UInt8] {
        let empty: [ParquetValue] = Array(repeating: .null, count: schema.count)
        func row(_ column: Int, _ value: ParquetValue) -> [ParquetValue] {
            var row = empty
            row[column] = value
            return row
        }
        var rows: [[ParquetValue]] = []
        if let value = snapshot.protocol {
            rows.append(
                row(4, .group([.int32(Int32(value.minReaderVersion)), .int32(Int32(value.minWriterVersion))])))
        }
        if let metadata = snapshot.metadata {
            rows.append(
                row(
                    3,
                    .group([
                        .string(metadata.id), .string(metadata.name), .string(metadata.description),
                        .group([.string(metadata.format.provider), .stringMap(metadata.format.options)]),
                        .string(metadata.schemaString), .list(metadata.partitionColumns.map { .string($0) }),
                        .stringMap(metadata.configuration), metadata.createdTime.map { .int64($0) } ?? .null,
                    ])))
        }
        for (appId, version) in snapshot.transactions.sorted(by: { $0.key < $1.key }) {
            rows.append(row(0, .group([.string(appId), .int64(version), .null])))
        }
        for add in snapshot.files.values.sorted(by: { $0.path < $1.path }) {
            rows.append(
                row(
                    1,
                    .group([
                        .string(add.path), .stringMap(add.partitionValues), .int64(add.size),
                        .int64(add.modificationTime), .boolean(add.dataChange), .string(add.stats), .null,
                    ])))
        }
        do {
            return try ParquetNestedWriter.encode(
                schema: schema, records: rows, createdBy: "Souk version \(SoukVersion.current)")
        } catch { throw .io("cannot encode the checkpoint of version \(snapshot.version): \(error)") }
    }
}

extension DeltaLog {
    /// Writes the checkpoint of `snapshot` (replacing a torn one) and points `_last_checkpoint` at it.
    package func writeCheckpoint(_ snapshot: DeltaSnapshot) throws(DeltaError) {
        let bytes = try DeltaCheckpoint.encode(snapshot)
        let last = LastCheckpoint(
            version: snapshot.version, size: Int64(snapshot.actionCount), sizeInBytes: Int64(bytes.count))
        do {
            try DurableFile.replace(directory + "/" + DeltaCheckpoint.fileName(version: snapshot.version), with: bytes)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try DurableFile.replace(
                directory + "/" + DeltaCheckpoint.lastCheckpointName, with: Array(try encoder.encode(last)))
        } catch { throw .io("cannot write the checkpoint of version \(snapshot.version): \(error)") }
    }

    /// The version `_last_checkpoint` names, if any.
    package func lastCheckpoint() -> Int64? {
        guard let bytes = try? DurableFile.contents(of: directory + "/" + DeltaCheckpoint.lastCheckpointName),
            let last = try? JSONDecoder().decode(LastCheckpoint.self, from: Data(bytes))
        else { return nil }
        return last.version
    }
}

/// `_delta_log/_last_checkpoint`.
struct LastCheckpoint: Codable {
    var version: Int64
    /// Actions (rows) in the checkpoint.
    var size: Int64
    var sizeInBytes: Int64?
}

extension DeltaSnapshot {
    /// The rows of its checkpoint.
    var actionCount: Int {
        (self.protocol == nil ? 0 : 1) + (metadata == nil ? 0 : 1) + transactions.count + files.count
    }
}

extension DeltaCheckpoint {
    /// The actions of a checkpoint file, whatever writer made it: columns are found by name, so other
    /// writers' column order and extra columns (stats_parsed, domainMetadata, …) do not matter.
    package static func actions(ofFile path: String) throws(DeltaError) -> [DeltaAction] {
        let reader: ParquetFileReader
        let schema: [ParquetNode]
        var records: [[ParquetValue]] = []
        do {
            reader = try ParquetFileReader(path: path)
            schema = try reader.nestedSchema()
            for group in 0..<reader.rowGroupCount { records += try reader.readRecords(ofRowGroup: group) }
        } catch { throw .io("cannot read the checkpoint \(path): \(error)") }
        let top = Fields(nodes: schema)
        var actions: [DeltaAction] = []
        for record in records {
            var action = DeltaAction()
            if let txn = top.group("txn", in: record) {
                guard let appId = txn.string("appId"), let version = txn.int64("version") else {
                    throw .io("checkpoint \(path): a txn without appId or version")
                }
                action.txn = DeltaTransaction(appId: appId, version: version, lastUpdated: txn.int64("lastUpdated"))
            }
            if let add = top.group("add", in: record) {
                guard let file = add.string("path"), let size = add.int64("size") else {
                    throw .io("checkpoint \(path): an add without path or size")
                }
                action.add = DeltaAdd(
                    path: file, partitionValues: add.stringMap("partitionValues") ?? [:], size: size,
                    modificationTime: add.int64("modificationTime") ?? 0, dataChange: add.boolean("dataChange") ?? true,
                    stats: add.string("stats"))
            }
            if let remove = top.group("remove", in: record) {
                guard let file = remove.string("path") else { throw .io("checkpoint \(path): a remove without path") }
                action.remove = DeltaRemove(
                    path: file, deletionTimestamp: remove.int64("deletionTimestamp"),
                    dataChange: remove.boolean("dataChange") ?? true)
            }
            if let metadata = top.group("metaData", in: record) {
                guard let id = metadata.string("id"), let schemaString = metadata.string("schemaString") else {
                    throw .io("checkpoint \(path): metaData without id or schemaString")
                }
                var value = DeltaMetadata(
                    id: id, name: metadata.string("name"), description: metadata.string("description"),
                    schemaString: schemaString, partitionColumns: metadata.strings("partitionColumns") ?? [],
                    configuration: (metadata.stringMap("configuration") ?? [:]).compactMapValues { $0 },
                    createdTime: metadata.int64("createdTime"))
                if let format = metadata.group("format") {
                    value.format = DeltaMetadata.Format(
                        provider: format.string("provider") ?? "parquet",
                        options: (format.stringMap("options") ?? [:]).compactMapValues { $0 })
                }
                action.metaData = value
            }
            if let value = top.group("protocol", in: record) {
                action.protocol = DeltaProtocol(
                    minReaderVersion: Int(value.int64("minReaderVersion") ?? 1),
                    minWriterVersion: Int(value.int64("minWriterVersion") ?? 2))
            }
            actions.append(action)
        }
        return actions
    }

    /// The fields of a struct, looked up by name.
    struct Fields {
        var nodes: [ParquetNode]
        var values: [ParquetValue] = []

        func group(_ name: String, in record: [ParquetValue]) -> Fields? {
            Fields(nodes: nodes, values: record).group(name)
        }

        func group(_ name: String) -> Fields? {
            guard let (node, value) = field(name), case .group(_, _, let children) = node,
                case .group(let fields) = value
            else { return nil }
            return Fields(nodes: children, values: fields)
        }

        func string(_ name: String) -> String? {
            guard case .bytes(let bytes)? = field(name)?.1 else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }

        func int64(_ name: String) -> Int64? {
            switch field(name)?.1 {
            case .int64(let v)?: v
            case .int32(let v)?: Int64(v)
            default: nil
            }
        }

        func boolean(_ name: String) -> Bool? {
            guard case .boolean(let v)? = field(name)?.1 else { return nil }
            return v
        }

        func strings(_ name: String) -> [String]? {
            guard case .list(let items)? = field(name)?.1 else { return nil }
            return items.compactMap { item in
                guard case .bytes(let bytes) = item else { return nil }
                return String(decoding: bytes, as: UTF8.self)
            }
        }

        func stringMap(_ name: String) -> [String: String?]? {
            guard case .map(let entries)? = field(name)?.1 else { return nil }
            var map: [String: String?] = [:]
            for entry in entries {
                guard case .bytes(let key) = entry.key else { continue }
                if case .bytes(let value) = entry.value {
                    map[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
                } else {
                    map[String(decoding: key, as: UTF8.self)] = .some(nil)
                }
            }
            return map
        }

        private func field(_ name: String) -> (ParquetNode, ParquetValue)? {
            guard let index = nodes.firstIndex(where: { $0.name == name }), index < values.count,
                values[index] != .null
            else { return nil }
            return (nodes[index], values[index])
        }
    }
}
