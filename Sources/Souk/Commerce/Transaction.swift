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
            + "\"payment_method\": \"\(paymentMethod)\", \"timestamp\": \"\(ISO8601Text.format(micros: timestampMicros))\"}"
    }
}

/// ISO-8601 text for UTC instants, without Foundation's slow formatters.
enum ISO8601Text {
    /// `YYYY-MM-DDTHH:MM:SS.ffffff`, or without the fraction when it is zero, as Python's `isoformat()`.
    static func format(micros: Int64) -> String {
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let adjustedSeconds = fraction < 0 ? seconds - 1 : seconds
        let adjustedFraction = fraction < 0 ? fraction + 1_000_000 : fraction
        let (days, secondOfDay) = adjustedSeconds.quotientAndRemainder(dividingBy: 86_400)
        let day = secondOfDay < 0 ? days - 1 : days
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        let (year, month, dayOfMonth) = civilDate(daysSinceEpoch: day)
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))T"
        text += "\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2))"
        if adjustedFraction != 0 { text += ".\(pad(adjustedFraction, 6))" }
        return text
    }

    /// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
