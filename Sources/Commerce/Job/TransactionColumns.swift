import Storage

/// Transaction rows column by column, typed: what the JSON decoder makes of a chunk and what a row
/// group of `tables/transactions` holds, in `TransactionSchema` order.
package struct TransactionColumns: Sendable {
    package var ids: ParquetByteArrays
    package var users: ParquetByteArrays
    package var cities: ParquetByteArrays
    package var categories: ParquetByteArrays
    package var amounts: [Double]
    package var quantities: [Int32]
    package var payments: ParquetByteArrays
    /// Event time, µs since the epoch.
    package var times: [Int64]

    package var count: Int { times.count }

    /// The typed view of eight columns in `TransactionSchema` order; nil when a column has another
    /// type, a null, or another length.
    package init?(_ columns: [ParquetColumnBuffer]) {
        guard columns.count == 8, columns.allSatisfy({ $0.validity?.contains(false) != true }),
            case .byteArray(let ids) = columns[0].values, case .byteArray(let users) = columns[1].values,
            case .byteArray(let cities) = columns[2].values, case .byteArray(let categories) = columns[3].values,
            case .double(let amounts) = columns[4].values, case .int32(let quantities) = columns[5].values,
            case .byteArray(let payments) = columns[6].values, case .int64(let times) = columns[7].values
        else { return nil }
        let count = times.count
        guard
            [ids.count, users.count, cities.count, categories.count, amounts.count, quantities.count, payments.count]
                .allSatisfy({ $0 == count })
        else { return nil }
        (self.ids, self.users, self.cities, self.categories) = (ids, users, cities, categories)
        (self.amounts, self.quantities, self.payments, self.times) = (amounts, quantities, payments, times)
    }

    /// The values of dimension `dimension`.
    package func values(of dimension: CommerceDimension) -> ParquetByteArrays {
        switch dimension {
        case .category: categories
        case .city: cities
        case .paymentMethod: payments
        }
    }

    /// Row `row` as a transaction.
    package func transaction(at row: Int) -> Transaction {
        Transaction(
            transactionID: ids.string(row), userID: users.string(row), city: cities.string(row),
            category: categories.string(row), amount: amounts[row], quantity: quantities[row],
            paymentMethod: payments.string(row), timestampMicros: times[row])
    }
}

extension ParquetByteArrays {
    /// Calls `body` with the bytes of value `index`.
    @inline(__always)
    func withValue<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    func string(_ index: Int) -> String {
        String(decoding: bytes[Int(offsets[index])..<Int(offsets[index + 1])], as: UTF8.self)
    }
}
