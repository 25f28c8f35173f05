import Storage

/// The row groups a report decodes: the committed parts of `tables/transactions` whose hour
/// directory meets the range, and in them the row groups whose `timestamp` statistics meet it.
struct ReportScanPlan: Sendable {
    /// One row group to decode.
    struct Task: Sendable {
        var path: String
        var group: Int
        /// Compressed bytes of each column chunk decoded, in the order of the plan's columns.
        var columnBytes: [Int64]
        /// Compressed bytes of the column chunks decoded.
        var bytes: Int64 { columnBytes.reduce(0, +) }
    }

    var tasks: [Task] = []
    var filesTotal = 0
    var files = 0
    var rowGroupsTotal = 0

    /// Plans the scan of `parts` for `columns` over `range` (reads each part's footer).
    init(parts: [DataDirectory.Part], columns: [String], range: ReportRange) throws(ReportError) {
        filesTotal = parts.count
        let hour: Int64 = 3_600_000_000
        for part in parts {
            if let start = part.hourStartMicros, !range.overlaps(start: start, length: hour) { continue }
            let reader: ParquetFileReader
            do { reader = try ParquetFileReader(path: part.path) } catch {
                throw .corrupt(path: part.path, reason: "\(error)")
            }
            let names = Set(reader.schema.columns.map(\.name))
            if let missing = columns.first(where: { !names.contains($0) }) {
                throw .corrupt(path: part.path, reason: "no column '\(missing)': not a part of the transactions table")
            }
            files += 1
            rowGroupsTotal += reader.rowGroupCount
            var groups = Set(0..<reader.rowGroupCount)
            do {
                if let from = range.fromMicros {
                    groups.formIntersection(
                        try reader.rowGroups(
                            matching: ParquetPredicate(column: "timestamp", .greaterOrEqual, .integer(from))))
                }
                if let to = range.toMicros {
                    groups.formIntersection(
                        try reader.rowGroups(matching: ParquetPredicate(column: "timestamp", .less, .integer(to))))
                }
            } catch { throw .corrupt(path: part.path, reason: "\(error)") }
            for group in groups.sorted() where reader.rowCount(ofRowGroup: group) > 0 {
                let chunks = reader.metadata.rowGroups[group].columns.compactMap(\.metaData)
                let bytes = columns.map { name in
                    chunks.first { $0.pathInSchema == [name] }?.totalCompressedSize ?? 0
                }
                tasks.append(Task(path: part.path, group: group, columnBytes: bytes))
            }
        }
    }
}
