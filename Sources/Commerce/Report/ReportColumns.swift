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

    /// The interned id of each row's value (`ids[row]`), interning each distinct value once.
    func interned(into interner: inout KeyInterner, rows: some Collection<Int>) -> [Int] {
        switch self {
        case .values(let values):
            var ids = [Int](repeating: 0, count: values.count)
            for row in rows { ids[row] = values.withValue(row) { interner.intern($0) } }
            return ids
        case .dictionary(let dictionary, let indices):
            let mapped = (0..<dictionary.count).map { entry in dictionary.withValue(entry) { interner.intern($0) } }
            return indices.map { mapped[Int($0)] }
        }
    }
}

/// The columns of one row group of `tables/transactions` a report decoded, typed; the others nil.
struct ReportColumns: Sendable {
    /// The text columns read through their dictionary when the chunk is dictionary-encoded.
    static let dictionaryColumns: Set<String> = ["user_id", "city", "category", "payment_method"]

    var count = 0
    var ids: ParquetByteArrays?
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

    /// Reads the columns `names` of row group `group`.
    init(file: ParquetFileReader, group: Int, names: [String]) throws(ParquetError) {
        var plain: [String] = []
        var counts: [Int] = []
        for name in names {
            guard Self.dictionaryColumns.contains(name),
                let column = try file.readDictionaryColumn(group, column: name),
                case .byteArray(let dictionary) = column.dictionary
            else {
                plain.append(name)
                continue
            }
            try set(name, .dictionary(dictionary, indices: column.indices))
            counts.append(column.indices.count)
        }
        let buffers = try file.readRowGroup(group, columns: plain)
        for (name, buffer) in zip(plain, buffers) {
            guard buffer.validity?.contains(false) != true else { throw Self.mismatch(name, "holds a null") }
            switch (name, buffer.values) {
            case ("transaction_id", .byteArray(let values)): ids = values
            case ("amount", .double(let values)): amounts = values
            case ("quantity", .int32(let values)): quantities = values
            case ("timestamp", .int64(let values)): times = values
            case (_, .byteArray(let values)): try set(name, .values(values))
            default: throw Self.mismatch(name, "has another type than a transaction's")
            }
            counts.append(buffer.rowCount)
        }
        count = counts.first ?? 0
        guard counts.allSatisfy({ $0 == count }) else {
            throw Self.mismatch(names.joined(separator: ", "), "differ in length")
        }
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

    /// Row `row` as a transaction; nil unless every column was decoded.
    func transaction(at row: Int) -> Transaction? {
        guard let ids, let users, let cities, let categories, let amounts, let quantities, let payments, let times
        else { return nil }
        return Transaction(
            transactionID: ids.string(row), userID: users.string(row), city: cities.string(row),
            category: categories.string(row), amount: amounts[row], quantity: quantities[row],
            paymentMethod: payments.string(row), timestampMicros: times[row])
    }
}
