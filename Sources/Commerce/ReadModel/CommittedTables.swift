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
/// engine runs in this process, and kept up to date as new commits land: each `refresh()` reads only
/// the parts and dead letters it has not read yet, never the history again.
///
/// - totals and top transactions: every row of `tables/transactions` (every valid transaction,
///   late ones included);
/// - closed windows: `tables/windows`;
/// - open windows (ending after the watermark): the raw rows in them, less the records
///   `deadletter/late` holds (late records count in the totals, never in a window), matched by
///   transaction id since a part can become visible before or after its batch's dead letters;
/// - the watermark: the one the newest `checkpoints/<job>/commits/N` applied (`offsets/N`).
///
/// Only committed parts are read: the live files of each table's Delta log.
/// Blocking file I/O.
package struct CommittedTables: Sendable {
    package let dataDirectory: String
    package let job: CommerceJob
    private let directory: DataDirectory
    /// Closed windows older than this before the newest event time are let go. Default: 24 hours.
    package var retainedWindowMinutes = 24 * 60

    package private(set) var summary = CommerceSummary()
    package private(set) var lastCommit: Int64?
    /// The watermark the newest committed batch applied; nil before the first commit.
    package private(set) var watermarkMicros: Int64?
    /// Parquet files read so far.
    package private(set) var filesRead = 0
    /// Late and malformed records of the committed batches, from `deadletter/`.
    package private(set) var lateRecords: Int64 = 0
    package private(set) var malformedRecords: Int64 = 0

    private var closed: [CommerceWindowKey: CommerceWindow] = [:]
    private var open: [CommerceWindowKey: RevenueAggregate] = [:]
    /// Raw rows in open windows by transaction id, so that a late record can be taken back out.
    private var openRows: [String: OpenRow] = [:]
    /// Late records whose raw row is not visible yet, by transaction id, with their window's end.
    private var pendingLate: [String: Int64] = [:]
    private var readParts: Set<String> = []
    private var readLateBatches: Set<Int64> = []
    private var readMalformedBatches: Set<Int64> = []

    private struct OpenRow: Sendable {
        var windowStart: Int64
        var values: [String]
        var amount: Double
        var quantity: Int64
    }

    package init(dataDirectory: String, job: CommerceJob = CommerceJob()) {
        self.dataDirectory = dataDirectory
        self.job = job
        self.directory = DataDirectory(path: dataDirectory)
    }

    /// The closed windows kept, then the open ones.
    package var windows: [CommerceWindow] {
        let window = job.window
        return Array(closed.values)
            + open.map { key, aggregate in
                CommerceWindow(
                    id: key, windowEnd: window.end(ofWindowStartingAt: key.windowStart), aggregate: aggregate)
            }
    }

    /// Reads what was committed since the last call; returns whether anything changed.
    @discardableResult
    package mutating func refresh() throws(ReadModelError) -> Bool {
        let commit = try directory.newestCommittedBatch(job: job.name)
        // The offsets file of a batch already seen is not read again (`souk web` refreshes every second).
        let watermark =
            try commit.map { (batch) throws(ReadModelError) in
                batch == lastCommit ? watermarkMicros : try directory.watermark(job: job.name, batch: batch)
            } ?? nil
        var changed = commit != lastCommit
        (lastCommit, watermarkMicros) = (commit, watermark)
        let applied = watermark ?? Int64.min
        let window = job.window
        // Windows the watermark passed are closed: their final values come from the result table.
        open = open.filter { window.end(ofWindowStartingAt: $0.key.windowStart) > applied }
        openRows = openRows.filter { window.end(ofWindowStartingAt: $0.value.windowStart) > applied }
        pendingLate = pendingLate.filter { $0.value > applied }

        for path in try directory.parts(of: "transactions").map(\.path) where !readParts.contains(path) {
            try readRawPart(path, watermark: applied)
            readParts.insert(path)
            changed = true
        }
        if let commit {
            changed = try readLateRecords(through: commit, watermark: applied) || changed
            changed = try countMalformedRecords(through: commit) || changed
        }
        for path in try directory.parts(of: job.resultTable.name).map(\.path) where !readParts.contains(path) {
            try readWindowPart(path)
            readParts.insert(path)
            changed = true
        }
        if let newest = summary.maxEventMicros {
            let horizon = newest.subtractingReportingOverflow(Int64(retainedWindowMinutes) * 60_000_000)
            if !horizon.overflow { closed = closed.filter { $0.key.windowStart > horizon.partialValue } }
        }
        return changed
    }

    /// The snapshot of everything read so far.
    package func snapshot(
        asOfMicros: Int64, windowMinutes: Int = CommerceSnapshot.defaultWindowMinutes,
        topCount: Int = CommerceSnapshot.defaultTopCount
    ) -> CommerceSnapshot {
        CommerceSnapshot(
            summary: summary, windows: windows, watermarkMicros: watermarkMicros, asOfMicros: asOfMicros,
            windowMinutes: windowMinutes, topCount: topCount)
    }

    /// The snapshot of everything committed now under `dataDirectory`.
    package static func snapshot(
        dataDirectory: String, asOfMicros: Int64, windowMinutes: Int = CommerceSnapshot.defaultWindowMinutes
    ) throws(ReadModelError) -> CommerceSnapshot {
        var tables = CommittedTables(dataDirectory: dataDirectory)
        try tables.refresh()
        return tables.snapshot(asOfMicros: asOfMicros, windowMinutes: windowMinutes)
    }

    // MARK: - Reading

    private mutating func readRawPart(_ path: String, watermark: Int64) throws(ReadModelError) {
        let file = try reader(path)
        let window = job.window
        for group in 0..<file.rowGroupCount {
            let columns: [ParquetColumnBuffer]
            do { columns = try file.readRowGroup(group, columns: TransactionSchema.names) } catch {
                throw .corrupt(path: path, reason: "\(error)")
            }
            guard let rows = TransactionColumns(columns) else {
                throw .corrupt(path: path, reason: "row group \(group) does not hold transaction rows")
            }
            var accumulator = SummaryAccumulator()
            for row in 0..<rows.count {
                _ = accumulator.add(rows, row: row)
                let start = window.start(of: rows.times[row])
                guard window.end(ofWindowStartingAt: start) > watermark else { continue }
                let id = rows.ids.string(row)
                if pendingLate.removeValue(forKey: id) != nil { continue }
                let values = CommerceDimension.allCases.map { rows.values(of: $0).string(row) }
                let entry = OpenRow(
                    windowStart: start, values: values, amount: rows.amounts[row],
                    quantity: Int64(rows.quantities[row]))
                openRows[id] = entry
                add(entry, sign: 1)
            }
            summary.merge(accumulator.finish())
        }
        filesRead += 1
    }

    /// Adds (or, with sign -1, takes out) a row of an open window.
    private mutating func add(_ row: OpenRow, sign: Int64) {
        for (dimension, value) in zip(CommerceDimension.allCases, row.values) {
            let key = CommerceWindowKey(windowStart: row.windowStart, dimension: dimension, key: value)
            var aggregate = open[key] ?? RevenueAggregate()
            aggregate.merge(
                RevenueAggregate(
                    revenue: Double(sign) * row.amount, transactions: sign, items: sign * row.quantity))
            open[key] = aggregate.transactions > 0 ? aggregate : nil
        }
    }

    private mutating func readWindowPart(_ path: String) throws(ReadModelError) {
        let file = try reader(path)
        for group in 0..<file.rowGroupCount {
            let columns: [ParquetColumnBuffer]
            do { columns = try file.readRowGroup(group) } catch { throw .corrupt(path: path, reason: "\(error)") }
            guard let windows = Self.windows(columns) else {
                throw .corrupt(path: path, reason: "row group \(group) does not hold window rows")
            }
            for window in windows { closed[window.id] = window }
        }
        filesRead += 1
    }

    /// Takes the late records of committed batches not read yet out of the open windows.
    private mutating func readLateRecords(through lastCommit: Int64, watermark: Int64) throws(ReadModelError)
        -> Bool
    {
        var changed = false
        let window = job.window
        for (batch, path) in try directory.deadLetterFiles(.late, through: lastCommit)
        where !readLateBatches.contains(batch) {
            let (count, decoded) = try Self.lateRecords(at: path)
            lateRecords += Int64(count)
            if let rows = decoded {
                for row in 0..<rows.count {
                    let end = window.end(ofWindowStartingAt: window.start(of: rows.times[row]))
                    guard end > watermark else { continue }
                    let id = rows.ids.string(row)
                    if let visible = openRows.removeValue(forKey: id) {
                        add(visible, sign: -1)
                    } else {
                        pendingLate[id] = end
                    }
                }
            }
            readLateBatches.insert(batch)
            changed = true
        }
        return changed
    }

    /// Counts the malformed records of committed batches not counted yet.
    private mutating func countMalformedRecords(through lastCommit: Int64) throws(ReadModelError) -> Bool {
        var changed = false
        for (batch, path) in try directory.deadLetterFiles(.malformed, through: lastCommit)
        where !readMalformedBatches.contains(batch) {
            malformedRecords += Int64(try DataDirectory.lines(of: path).count)
            readMalformedBatches.insert(batch)
            changed = true
        }
        return changed
    }

    /// The records of a `deadletter/late` file: how many, and their values decoded as transactions
    /// (a late record is a valid transaction; nil when none decodes).
    package static func lateRecords(at path: String) throws(ReadModelError) -> (count: Int, rows: TransactionColumns?) {
        struct Letter: Decodable {
            var value: String
        }
        var values: [UInt8] = []
        var count = 0
        for line in try DataDirectory.lines(of: path) {
            guard let letter = try? JSONDecoder().decode(Letter.self, from: line) else {
                throw .corrupt(path: path, reason: "a line is not a dead letter")
            }
            values += Array(letter.value.utf8)
            values.append(0x0A)
            count += 1
        }
        let decoded = values.withUnsafeBytes { CommerceJob.decoder.decode($0) }
        return (count, TransactionColumns(decoded.columns))
    }

    // MARK: - Files

    private func reader(_ path: String) throws(ReadModelError) -> ParquetFileReader {
        do { return try ParquetFileReader(path: path) } catch { throw .corrupt(path: path, reason: "\(error)") }
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
