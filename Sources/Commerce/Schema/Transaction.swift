import Storage

/// One e-commerce transaction, as the original platform's Python producer wrote it.
package struct Transaction: Sendable, Equatable, Codable {
    package var transactionID: String
    package var userID: String
    package var city: String
    package var category: String
    package var amount: Double
    package var quantity: Int32
    package var paymentMethod: String
    /// Event time, microseconds since the Unix epoch (UTC).
    package var timestampMicros: Int64

    package init(
        transactionID: String, userID: String, city: String, category: String, amount: Double, quantity: Int32,
        paymentMethod: String, timestampMicros: Int64
    ) {
        self.transactionID = transactionID
        self.userID = userID
        self.city = city
        self.category = category
        self.amount = amount
        self.quantity = quantity
        self.paymentMethod = paymentMethod
        self.timestampMicros = timestampMicros
    }

    /// The keys of the engine's saved state (`state/N`), where the top transactions are kept.
    private enum CodingKeys: String, CodingKey {
        case transactionID = "transactionId"
        case userID = "userId"
        case city, category, amount, quantity, paymentMethod, timestampMicros
    }

    /// The JSON object the original producer sent: its eight fields in its order, written as Python's
    /// `json.dumps` writes them (`", "` and `": "` separators, the amount as Python prints a float
    /// rounded to cents, the timestamp as `datetime.utcnow().isoformat()`: no zone, microseconds
    /// when non-zero).
    package var json: String {
        "{\"transaction_id\": \(JSONString.quoted(transactionID)), \"user_id\": \(JSONString.quoted(userID)), "
            + "\"city\": \(JSONString.quoted(city)), \"category\": \(JSONString.quoted(category)), "
            + "\"amount\": \(Self.pythonText(amount: amount)), \"quantity\": \(quantity), "
            + "\"payment_method\": \(JSONString.quoted(paymentMethod)), "
            + "\"timestamp\": \"\(ISO8601Timestamp.format(micros: timestampMicros, suffix: .pythonNaive))\"}"
    }

    /// How Python prints `round(amount, 2)`: the shortest form, at least one decimal (`12.5`, `10.0`, `499.99`).
    static func pythonText(amount: Double) -> String {
        let cents = Int64((amount * 100).rounded())
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole).0" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// JSON string literals as Python's `json.dumps` writes them (`ensure_ascii`: non-ASCII as `\uXXXX`).
enum JSONString {
    static func quoted(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
