import Storage

/// One e-commerce transaction, as the original stack's Python producer wrote it.
struct Transaction: Sendable, Equatable {
    var transactionID: String
    var userID: String
    var city: String
    var category: String
    var paymentMethod: String
    var amount: Double
    var quantity: Int32
    /// Event time, microseconds since the Unix epoch (UTC).
    var timestampMicros: Int64

    /// The JSON object the producers send, with the timestamp as ISO-8601 without a zone
    /// (Python's `datetime.isoformat()` of a naive UTC time).
    var json: String {
        let cents = Int64((amount * 100).rounded())
        let amountText = "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
        return "{\"transaction_id\": \"\(transactionID)\", \"user_id\": \"\(userID)\", \"city\": \"\(city)\", "
            + "\"category\": \"\(category)\", \"amount\": \(amountText), \"quantity\": \(quantity), "
            + "\"payment_method\": \"\(paymentMethod)\", \"timestamp\": \"\(ISO8601Timestamp.format(micros: timestampMicros, suffix: .pythonNaive))\"}"
    }
}
