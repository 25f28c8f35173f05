/// ISO-8601 timestamps as microseconds since the Unix epoch, without Foundation's slow formatters.
///
/// Parsing takes what Python producers write: `YYYY-MM-DDTHH:MM:SS` (a space works for `T`),
/// optional fractional seconds of 1 to 9 digits (beyond microseconds truncated), and an optional
/// zone `Z`, `±HH:MM`, `±HHMM` or `±HH`; no zone means UTC.
public enum ISO8601Timestamp {
    /// How `format` ends its text.
    public enum Suffix: Sendable {
        /// No zone, and no fraction when it is zero: Python's `isoformat()` of a naive UTC time.
        case pythonNaive
        /// Always six fraction digits and `Z`.
        case utcZ
    }

    /// The instant `text` names, in microseconds since 1970-01-01T00:00:00Z, or nil.
    public static func parseMicros(_ text: some StringProtocol) -> Int64? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBytes { parseMicros(UnsafeRawBufferPointer($0)) }
    }

    /// The instant the UTF-8 `bytes` name, or nil.
    public static func parseMicros(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var cursor = Cursor(bytes: bytes)
        guard let year = cursor.digits(4), cursor.take(UInt8(ascii: "-")),
            let month = cursor.digits(2), cursor.take(UInt8(ascii: "-")),
            let day = cursor.digits(2), cursor.take(UInt8(ascii: "T")) || cursor.take(UInt8(ascii: " ")),
            let hour = cursor.digits(2), cursor.take(UInt8(ascii: ":")),
            let minute = cursor.digits(2)
        else { return nil }
        var second: Int64 = 0
        var micros: Int64 = 0
        if cursor.take(UInt8(ascii: ":")) {
            guard let value = cursor.digits(2) else { return nil }
            second = value
            if cursor.take(UInt8(ascii: ".")) || cursor.take(UInt8(ascii: ",")) {
                var count = 0
                while let digit = cursor.digit() {
                    count += 1
                    guard count <= 9 else { return nil }
                    if count <= 6 { micros = micros * 10 + digit }
                }
                guard count > 0 else { return nil }
                if count < 6 { for _ in count..<6 { micros *= 10 } }
            }
        }
        var offsetSeconds: Int64 = 0
        if cursor.take(UInt8(ascii: "Z")) || cursor.take(UInt8(ascii: "z")) {
        } else if let sign = cursor.sign() {
            guard let hours = cursor.digits(2), hours <= 23 else { return nil }
            var minutes: Int64 = 0
            if cursor.take(UInt8(ascii: ":")) {
                guard let value = cursor.digits(2) else { return nil }
                minutes = value
            } else if let value = cursor.digits(2) {
                minutes = value
            }
            guard minutes <= 59 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard cursor.atEnd, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour <= 23,
            minute <= 59, second <= 60
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }

    /// `micros` since the epoch as ISO-8601 text in UTC.
    public static func format(micros: Int64, suffix: Suffix = .utcZ) -> String {
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        var text = formatDate(daysSinceEpoch: days) + "T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        switch suffix {
        case .pythonNaive:
            if fraction != 0 { text += ".\(pad(fraction, 6))" }
        case .utcZ:
            text += ".\(pad(fraction, 6))Z"
        }
        return text
    }

    /// `YYYY-MM-DD` of a day count since 1970-01-01 (Parquet's DATE).
    public static func formatDate(daysSinceEpoch days: Int64) -> String {
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    public static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
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

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A forward-only reader over the text's bytes.
    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int64? {
            guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
                return nil
            }
            defer { index += 1 }
            return Int64(bytes[index] - UInt8(ascii: "0"))
        }

        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let next = digit() else { return nil }
                value = value * 10 + next
            }
            return value
        }

        mutating func sign() -> Int64? {
            if take(UInt8(ascii: "+")) { return 1 }
            if take(UInt8(ascii: "-")) { return -1 }
            return nil
        }
    }
}
