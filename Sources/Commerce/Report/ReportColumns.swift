import Storage

/// The columns of one row group of `tables/transactions` a report decoded, typed; the others nil.
struct ReportColumns: Sendable {
    var count = 0
    var ids: ParquetByteArrays?
    var users: ParquetByteArrays?
    var cities: ParquetByteArrays?
    var categories: ParquetByteArrays?
    var amounts: [Double]?
    var quantities: [Int32]?
    var payments: ParquetByteArrays?
    /// Event time, µs since the epoch.
    var times: [Int64]?
    /// The rows inside the report's range; nil when every row is.
    var selection: [Int]?

    /// Why a row group does not hold the columns a report needs.
    enum Mismatch: Error {
        case column(String, String)
    }

    /// The typed view of `buffers`, decoded for the columns `names` (in that order).
    init(names: [String], buffers: [ParquetColumnBuffer]) throws(Mismatch) {
        var counts: [Int] = []
        for (name, buffer) in zip(names, buffers) {
            guard buffer.validity?.contains(false) != true else { throw .column(name, "holds a null") }
            switch (name, buffer.values) {
            case ("transaction_id", .byteArray(let values)): (ids, counts) = (values, counts + [values.count])
            case ("user_id", .byteArray(let values)): (users, counts) = (values, counts + [values.count])
            case ("city", .byteArray(let values)): (cities, counts) = (values, counts + [values.count])
            case ("category", .byteArray(let values)): (categories, counts) = (values, counts + [values.count])
            case ("payment_method", .byteArray(let values)): (payments, counts) = (values, counts + [values.count])
            case ("amount", .double(let values)): (amounts, counts) = (values, counts + [values.count])
            case ("quantity", .int32(let values)): (quantities, counts) = (values, counts + [values.count])
            case ("timestamp", .int64(let values)): (times, counts) = (values, counts + [values.count])
            default: throw .column(name, "has another type than a transaction's")
            }
        }
        count = counts.first ?? 0
        guard counts.allSatisfy({ $0 == count }) else {
            throw .column(names.joined(separator: ", "), "differ in length")
        }
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
    func values(of dimension: CommerceDimension) -> ParquetByteArrays? {
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
