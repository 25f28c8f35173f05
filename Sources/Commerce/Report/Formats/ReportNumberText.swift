import Storage

/// Numbers and times as people read them: thousands separators, euros with cents, shares in percent.
package enum ReportNumberText {
    /// `1234567` → `1,234,567`.
    package static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `1234.5` with 2 digits → `1,234.50`.
    package static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        let scale = (0..<digits).reduce(1.0) { value, _ in value * 10 }
        let scaled = (value.magnitude * scale).rounded()
        guard scaled < 9e18 else { return "\(value)" }
        let whole = Int64(scaled) / Int64(scale)
        let fraction = Int64(scaled) % Int64(scale)
        var text = grouped(whole)
        if digits > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return value < 0 && scaled > 0 ? "-" + text : text
    }

    /// Euros: `€1,234.50`.
    package static func money(_ value: Double) -> String {
        value < 0 ? "-€" + decimal(-value, digits: 2) : "€" + decimal(value, digits: 2)
    }

    /// A share in percent with one decimal: `0.2534` → `25.3 %`.
    package static func percent(_ value: Double) -> String { decimal(value * 100, digits: 1) + " %" }

    /// `2026-12-02 10:00:00` (UTC).
    package static func time(_ micros: Int64) -> String {
        let text = ISO8601Timestamp.format(micros: micros)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8))
    }

    /// A cell as people read it; control characters (a terminal escape in a city name) are shown as `�`.
    package static func display(_ cell: ReportTable.Cell) -> String {
        switch cell {
        case .text(let text): readable(text)
        case .integer(let value): grouped(value)
        case .money(let value): money(value)
        case .number(let value, let digits): decimal(value, digits: digits)
        case .share(let value): percent(value)
        case .time(let micros): time(micros)
        case .none: "–"
        }
    }

    /// A cell as a program reads it: full precision, no separators, ISO-8601 times.
    package static func plain(_ cell: ReportTable.Cell) -> String {
        switch cell {
        case .text(let text): text
        case .integer(let value): String(value)
        case .money(let value), .number(let value, _), .share(let value): "\(value)"
        case .time(let micros): ISO8601Timestamp.format(micros: micros)
        case .none: ""
        }
    }

    /// `text` with control characters replaced, so it cannot move a terminal's cursor or colour it.
    package static func readable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "\u{FFFD}" : scalar
                }))
    }
}
