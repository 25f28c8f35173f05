import Engine
import Foundation
import Storage

/// Why the committed tables could not be read.
package enum ReadModelError: Error, Equatable, CustomStringConvertible {
    /// A file exists but cannot be read as what it should be: the path and why.
    case corrupt(path: String, reason: String)
    case io(path: String, reason: String)

    package var description: String {
        switch self {
        case .corrupt(let path, let reason): "\(path): \(reason)"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// The read model's inputs rebuilt from what a stream committed under a data directory, when no
/// engine runs: the totals and the top transactions from `tables/transactions` (every valid
/// transaction, late ones included), the closed windows from `tables/windows`, the open ones from
/// the raw rows after the watermark less the late records of `deadletter/late`, and the watermark
/// from the newest commit in `checkpoints/<job>`.
///
/// Only committed parts are read: `date=*/hour=*/*.parquet` (parts in progress end in `.inprogress`).
/// Blocking file I/O.
package struct CommittedTables: Sendable {
    package let dataDirectory: String
    package let job: CommerceJob

    package init(dataDirectory: String, job: CommerceJob = CommerceJob()) {
        self.dataDirectory = dataDirectory
        self.job = job
    }

    /// What `CommerceSnapshot.init(summary:windows:watermarkMicros:asOfMicros:)` needs.
    package struct Contents: Sendable {
        package var summary = CommerceSummary()
        /// Closed windows, then the open ones.
        package var windows: [CommerceWindow] = []
        /// The watermark the newest committed batch applied; nil before the first commit.
        package var watermarkMicros: Int64?
        /// The newest committed batch.
        package var lastCommit: Int64?
        /// Parquet files read.
        package var files = 0
    }

    /// Reads everything committed now.
    package func load() throws(ReadModelError) -> Contents {
        var contents = Contents()
        (contents.lastCommit, contents.watermarkMicros) = try lastCommit()
        let watermark = contents.watermarkMicros ?? Int64.min
        let window = job.window
        let isOpen = { (start: Int64) in window.end(ofWindowStartingAt: start) > watermark }

        // The raw table: every total, and the on-time part of the open windows.
        var openWindows: [CommerceWindowKey: RevenueAggregate] = [:]
        for path in try parts(of: "transactions") {
            let reader = try open(path)
            for group in 0..<reader.rowGroupCount {
                let columns: [ParquetColumnBuffer]
                do { columns = try reader.readRowGroup(group, columns: TransactionSchema.names) } catch {
                    throw .corrupt(path: path, reason: "\(error)")
                }
                guard let rows = TransactionColumns(columns) else {
                    throw .corrupt(path: path, reason: "row group \(group) does not hold transaction rows")
                }
                var accumulator = SummaryAccumulator()
                for row in 0..<rows.count {
                    _ = accumulator.add(rows, row: row)
                    let start = window.start(of: rows.times[row])
                    guard isOpen(start) else { continue }
                    for dimension in CommerceDimension.allCases {
                        let key = CommerceWindowKey(
                            windowStart: start, dimension: dimension,
                            key: rows.values(of: dimension).string(row))
                        openWindows[key, default: RevenueAggregate()].add(
                            amount: rows.amounts[row], quantity: Int64(rows.quantities[row]))
                    }
                }
                contents.summary.merge(accumulator.finish())
            }
            contents.files += 1
        }
        // Late records count in the totals, never in a window: take them back out of the open ones.
        if !openWindows.isEmpty, let lastCommit = contents.lastCommit {
            for late in try lateRecords(through: lastCommit) {
                let start = window.start(of: late.timestampMicros)
                guard isOpen(start) else { continue }
                for (dimension, value) in [
                    (CommerceDimension.category, late.category), (.city, late.city),
                    (.paymentMethod, late.paymentMethod),
                ] {
                    let key = CommerceWindowKey(windowStart: start, dimension: dimension, key: value)
                    guard var aggregate = openWindows[key] else { continue }
                    aggregate.merge(
                        RevenueAggregate(revenue: -late.amount, transactions: -1, items: -Int64(late.quantity)))
                    openWindows[key] = aggregate.transactions > 0 ? aggregate : nil
                }
            }
        }

        // Closed windows, as the result table holds them.
        for path in try parts(of: job.resultTable.name) {
            let reader = try open(path)
            for group in 0..<reader.rowGroupCount {
                let columns: [ParquetColumnBuffer]
                do { columns = try reader.readRowGroup(group) } catch {
                    throw .corrupt(path: path, reason: "\(error)")
                }
                guard let windows = Self.windows(columns) else {
                    throw .corrupt(path: path, reason: "row group \(group) does not hold window rows")
                }
                contents.windows += windows
            }
            contents.files += 1
        }
        contents.windows += openWindows.map { key, aggregate in
            CommerceWindow(id: key, windowEnd: window.end(ofWindowStartingAt: key.windowStart), aggregate: aggregate)
        }
        return contents
    }

    /// The snapshot of everything committed now.
    package func snapshot(
        asOfMicros: Int64, windowMinutes: Int = CommerceSnapshot.defaultWindowMinutes
    ) throws(ReadModelError) -> CommerceSnapshot {
        let contents = try load()
        return CommerceSnapshot(
            summary: contents.summary, windows: contents.windows, watermarkMicros: contents.watermarkMicros,
            asOfMicros: asOfMicros, windowMinutes: windowMinutes)
    }

    // MARK: - Files

    /// The committed parts of a table, in path order.
    package func parts(of table: String) throws(ReadModelError) -> [String] {
        let root = "\(dataDirectory)/tables/\(table)"
        var paths: [String] = []
        for date in try entries(root) where date.hasPrefix("date=") {
            for hour in try entries("\(root)/\(date)") where hour.hasPrefix("hour=") {
                for file in try entries("\(root)/\(date)/\(hour)") where file.hasSuffix(".parquet") {
                    paths.append("\(root)/\(date)/\(hour)/\(file)")
                }
            }
        }
        return paths
    }

    /// The names in a directory, sorted; none when it does not exist.
    private func entries(_ directory: String) throws(ReadModelError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else { return [] }
        do { return try FileManager.default.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw .io(path: directory, reason: "\(error)")
        }
    }

    private func open(_ path: String) throws(ReadModelError) -> ParquetFileReader {
        do { return try ParquetFileReader(path: path) } catch { throw .corrupt(path: path, reason: "\(error)") }
    }

    /// The newest `commits/N` and the watermark its batch applied (`offsets/N`).
    private func lastCommit() throws(ReadModelError) -> (Int64?, Int64?) {
        let checkpoint = "\(dataDirectory)/checkpoints/\(job.name)"
        guard let last = try entries("\(checkpoint)/commits").compactMap({ Int64($0) }).max() else { return (nil, nil) }
        let path = "\(checkpoint)/offsets/\(last)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .corrupt(path: path, reason: "the offsets of committed batch \(last) are missing")
        }
        do {
            let entry = try JSONDecoder().decode(OffsetEntry.self, from: data)
            return (last, entry.watermarkMicros)
        } catch { throw .corrupt(path: path, reason: "\(error)") }
    }

    /// The late records of the committed batches, decoded as the job decodes records.
    private func lateRecords(through lastCommit: Int64) throws(ReadModelError) -> [Transaction] {
        struct Letter: Decodable {
            var batch: Int64
            var value: String
        }
        let directory = "\(dataDirectory)/deadletter/late"
        var records: [Transaction] = []
        for name in try entries(directory) where name.hasPrefix("batch-") && name.hasSuffix(".jsonl") {
            guard let batch = Int64(name.dropFirst(6).dropLast(6)), batch <= lastCommit else { continue }
            let path = "\(directory)/\(name)"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .io(path: path, reason: "cannot be read")
            }
            var values: [UInt8] = []
            for line in data.split(separator: 0x0A) where !line.isEmpty {
                guard let letter = try? JSONDecoder().decode(Letter.self, from: Data(line)) else {
                    throw .corrupt(path: path, reason: "a line is not a dead letter")
                }
                values += Array(letter.value.utf8)
                values.append(0x0A)
            }
            let decoded = values.withUnsafeBytes { CommerceJob.decoder.decode($0) }
            guard let rows = TransactionColumns(decoded.columns) else { continue }
            for row in 0..<rows.count {
                let t = rows.transaction(at: row)
                records.append(
                    Transaction(
                        transactionID: t.transactionId, userID: t.userId, city: t.city, category: t.category,
                        amount: t.amount, quantity: t.quantity, paymentMethod: t.paymentMethod,
                        timestampMicros: t.timestampMicros))
            }
        }
        return records
    }

    /// Closed windows from a row group of the result table (`CommerceJob.windowSchema`).
    private static func windows(_ columns: [ParquetColumnBuffer]) -> [CommerceWindow]? {
        guard columns.count == 7, columns.allSatisfy({ $0.validity?.contains(false) != true }),
            case .int64(let starts) = columns[0].values, case .int64(let ends) = columns[1].values,
            case .byteArray(let dimensions) = columns[2].values, case .byteArray(let keys) = columns[3].values,
            case .double(let revenues) = columns[4].values, case .int64(let transactions) = columns[5].values,
            case .int64(let items) = columns[6].values
        else { return nil }
        let count = starts.count
        guard
            [ends.count, dimensions.count, keys.count, revenues.count, transactions.count, items.count].allSatisfy({
                $0 == count
            })
        else { return nil }
        var windows: [CommerceWindow] = []
        windows.reserveCapacity(count)
        for row in 0..<count {
            guard let dimension = CommerceDimension(name: dimensions.string(row)) else { return nil }
            windows.append(
                CommerceWindow(
                    id: CommerceWindowKey(windowStart: starts[row], dimension: dimension, key: keys.string(row)),
                    windowEnd: ends[row],
                    aggregate: RevenueAggregate(
                        revenue: revenues[row], transactions: transactions[row], items: items[row])))
        }
        return windows
    }
}
