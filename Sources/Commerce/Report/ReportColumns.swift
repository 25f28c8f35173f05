import Engine
import Storage

/// A text column of a row group as the report reads it: each row's bytes, or (for a dictionary-encoded
/// chunk) the dictionary and one index per row, so that a value is interned once per row group
/// instead of once per row.
enum ReportStrings: Sendable {
    case values(ParquetByteArrays)
    case dictionary(ParquetByteArrays, indices: [UInt32])

    var count: Int {
        switch self {
        case .values(let values): values.count
        case .dictionary(_, let indices): indices.count
        }
    }

    func string(_ row: Int) -> String {
        switch self {
        case .values(let values): values.string(row)
        case .dictionary(let dictionary, let indices): dictionary.string(Int(indices[row]))
        }
    }

    /// Calls `body` with each row's interned id, for the rows `rows` whose value falls in part
    /// `part.index` of `part.count` (by hash), in row order; a dictionary entry is hashed and interned
    /// the first time a row refers to it (so a worker interns only the entries its rows use).
    ///
    /// Rows go in batches: the table slots of a batch's new values are prefetched before any is
    /// interned, so that the cache misses of a table larger than the caches overlap instead of queueing.
    func forEachInterned(
        into interner: inout KeyInterner, rows: some Collection<Int>, part: (index: Int, count: Int),
        _ body: (_ row: Int, _ id: Int) -> Void
    ) {
        var batch: [(row: Int, entry: Int, hash: UInt64)] = []
        batch.reserveCapacity(Self.batchSize)
        switch self {
        case .values(let values):
            for row in rows {
                let hash = values.withValue(row) { KeyGroups.hash($0) }
                guard Self.part(of: hash, part.count) == part.index else { continue }
                interner.prefetch(hash: hash)
                batch.append((row, row, hash))
                if batch.count == Self.batchSize { Self.flush(&batch, values, &interner, body) }
            }
            Self.flush(&batch, values, &interner, body)
        case .dictionary(let dictionary, let indices):
            // -1: not yet seen; -2: another part's; -3: first seen in the batch being gathered.
            var mapped = [Int32](repeating: -1, count: dictionary.count)
            for row in rows {
                let entry = Int(indices[row])
                var hash: UInt64 = 0
                if mapped[entry] == -1 {
                    hash = dictionary.withValue(entry) { KeyGroups.hash($0) }
                    guard Self.part(of: hash, part.count) == part.index else {
                        mapped[entry] = -2
                        continue
                    }
                    interner.prefetch(hash: hash)
                    mapped[entry] = -3
                } else if mapped[entry] == -2 {
                    continue
                }
                batch.append((row, entry, hash))
                if batch.count == Self.batchSize { Self.flush(&batch, dictionary, &interner, &mapped, body) }
            }
            Self.flush(&batch, dictionary, &interner, &mapped, body)
        }
    }

    private static let batchSize = 32

    /// Interns the batch's values (in order) and hands every row of it to `body`: each row its own value.
    private static func flush(
        _ batch: inout [(row: Int, entry: Int, hash: UInt64)], _ values: ParquetByteArrays,
        _ interner: inout KeyInterner, _ body: (_ row: Int, _ id: Int) -> Void
    ) {
        for (row, entry, hash) in batch { body(row, values.withValue(entry) { interner.intern($0, hash: hash) }) }
        batch.removeAll(keepingCapacity: true)
    }

    /// Interns the batch's new dictionary entries (in order) and hands every row of it to `body`; an
    /// entry's id is kept in `ids` (-3: interned by its first row here).
    private static func flush(
        _ batch: inout [(row: Int, entry: Int, hash: UInt64)], _ dictionary: ParquetByteArrays,
        _ interner: inout KeyInterner, _ ids: inout [Int32], _ body: (_ row: Int, _ id: Int) -> Void
    ) {
        for (row, entry, hash) in batch {
            if ids[entry] == -3 {
                ids[entry] = Int32(truncatingIfNeeded: dictionary.withValue(entry) { interner.intern($0, hash: hash) })
            }
            body(row, Int(ids[entry]))
        }
        batch.removeAll(keepingCapacity: true)
    }

    /// The part a hash falls in, from bits the interner's table does not index by.
    @inline(__always)
    private static func part(of hash: UInt64, _ count: Int) -> Int {
        count <= 1 ? 0 : Int((hash >> 40) % UInt64(count))
    }
}

/// The columns of one row group of `tables/transactions` a report decoded, typed; the others nil.
struct ReportColumns: Sendable {
    /// The text columns read through their dictionary when the chunk is dictionary-encoded.
    static let dictionaryColumns: Set<String> = ["user_id", "city", "category", "payment_method"]

    var count = 0
    var users: ReportStrings?
    var cities: ReportStrings?
    var categories: ReportStrings?
    var amounts: [Double]?
    var quantities: [Int32]?
    var payments: ReportStrings?
    /// Event time, µs since the epoch.
    var times: [Int64]?
    /// The rows inside the report's range; nil when every row is.
    var selection: [Int]?
    /// The file and row group the columns come from: the transaction ids, never decoded with the
    /// others, are read from there for the few rows that need them.
    var source: (file: ParquetFileReader, group: Int)?

    /// Reads column `name` of row group `group` alone (the others nil): workers decode a row group's
    /// columns side by side, then `absorb` them into one.
    init(file: ParquetFileReader, group: Int, column name: String) throws(ParquetError) {
        source = (file, group)
        if Self.dictionaryColumns.contains(name),
            let column = try file.readDictionaryColumn(group, column: name),
            case .byteArray(let dictionary) = column.dictionary
        {
            try set(name, .dictionary(dictionary, indices: column.indices))
            count = column.indices.count
            return
        }
        guard let buffer = try file.readRowGroup(group, columns: [name]).first else {
            throw Self.mismatch(name, "is missing")
        }
        guard buffer.validity?.contains(false) != true else { throw Self.mismatch(name, "holds a null") }
        switch (name, buffer.values) {
        case ("amount", .double(let values)): amounts = values
        case ("quantity", .int32(let values)): quantities = values
        case ("timestamp", .int64(let values)): times = values
        case (_, .byteArray(let values)): try set(name, .values(values))
        default: throw Self.mismatch(name, "has another type than a transaction's")
        }
        count = buffer.rowCount
    }

    /// No column yet.
    init() {}

    /// Takes the decoded columns of `other`, a column of the same row group; `first` sets the count.
    mutating func absorb(_ other: ReportColumns, first: Bool) throws(ParquetError) {
        if first {
            count = other.count
        } else if other.count != count {
            throw .corrupt("columns of one row group hold \(other.count) and \(count) rows")
        }
        source = other.source ?? source
        users = other.users ?? users
        cities = other.cities ?? cities
        categories = other.categories ?? categories
        amounts = other.amounts ?? amounts
        quantities = other.quantities ?? quantities
        payments = other.payments ?? payments
        times = other.times ?? times
    }

    private mutating func set(_ name: String, _ strings: ReportStrings) throws(ParquetError) {
        switch name {
        case "user_id": users = strings
        case "city": cities = strings
        case "category": categories = strings
        case "payment_method": payments = strings
        default: throw Self.mismatch(name, "has another type than a transaction's")
        }
    }

    private static func mismatch(_ name: String, _ why: String) -> ParquetError {
        .corrupt("column '\(name)' \(why)")
    }

    /// Keeps only the rows whose event time lies in `range` (needs the timestamp column).
    mutating func select(_ range: ReportRange) {
        guard !range.isUnbounded, let times else { return }
        var rows: [Int] = []
        rows.reserveCapacity(count)
        for row in 0..<count where range.contains(times[row]) { rows.append(row) }
        selection = rows.count == count ? nil : rows
    }

    /// The values of a dimension, when decoded.
    func values(of dimension: CommerceDimension) -> ReportStrings? {
        switch dimension {
        case .category: categories
        case .city: cities
        case .paymentMethod: payments
        }
    }

    /// Row `row` as a transaction with id `id`; nil unless every other column was decoded.
    func transaction(at row: Int, id: String) -> Transaction? {
        guard let users, let cities, let categories, let amounts, let quantities, let payments, let times
        else { return nil }
        return Transaction(
            transactionID: id, userID: users.string(row), city: cities.string(row),
            category: categories.string(row), amount: amounts[row], quantity: quantities[row],
            paymentMethod: payments.string(row), timestampMicros: times[row])
    }
}
