import Storage

/// The transaction table's columns (OPTIONAL in Parquet, as pyarrow and Spark write, though every
/// transaction must carry every field), shared by `souk convert --schema transactions` and the
/// stream engine's raw table: the UUID as text, amounts as doubles, event time in UTC µs.
package enum TransactionSchema {
    package static let columns: [ParquetColumn] = [
        .string("transaction_id"), .string("user_id"), .string("city"), .string("category"), .double("amount"),
        .int32("quantity"), .string("payment_method"), .timestamp("timestamp", unit: .micros, isAdjustedToUTC: true),
    ]

    /// The column names, in order.
    package static var names: [String] { columns.map(\.name) }
}
