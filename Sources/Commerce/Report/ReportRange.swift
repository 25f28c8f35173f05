import Storage

/// The event-time range a report covers: from `fromMicros` (inclusive) to `toMicros` (exclusive),
/// either end open.
package struct ReportRange: Sendable, Equatable {
    package var fromMicros: Int64?
    package var toMicros: Int64?

    package init(fromMicros: Int64? = nil, toMicros: Int64? = nil) {
        self.fromMicros = fromMicros
        self.toMicros = toMicros
    }

    /// Whether the range is the whole table.
    package var isUnbounded: Bool { fromMicros == nil && toMicros == nil }

    /// Whether the range is empty (`to` at or before `from`).
    package var isEmpty: Bool {
        guard let fromMicros, let toMicros else { return false }
        return toMicros <= fromMicros
    }

    @inline(__always)
    package func contains(_ micros: Int64) -> Bool {
        (fromMicros.map { micros >= $0 } ?? true) && (toMicros.map { micros < $0 } ?? true)
    }

    /// Whether some instant of `[start, start + length)` lies in the range.
    package func overlaps(start: Int64, length: Int64) -> Bool {
        let end = start.addingReportingOverflow(length)
        if let fromMicros, !end.overflow, end.partialValue <= fromMicros { return false }
        if let toMicros, start >= toMicros { return false }
        return true
    }

    /// Whether every instant from `min` to `max` (both included) lies in the range.
    package func covers(min: Int64, max: Int64) -> Bool { contains(min) && contains(max) }

    /// The instant an ISO-8601 time names: `2026-12-02`, `2026-12-02T10`, `2026-12-02T10:30`,
    /// `2026-12-02T10:30:15.250`, each with an optional zone (`Z`, `+01:00`); no zone means UTC.
    package static func parseTime(_ text: String) -> Int64? {
        let trimmed = text.trimmingWhitespace
        if trimmed.utf8.count == 10 { return ISO8601Timestamp.parseMicros(trimmed + "T00:00") }
        // `YYYY-MM-DDTHH` with an optional zone: add the minutes the parser wants.
        let bytes = Array(trimmed.utf8)
        if bytes.count >= 13, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes.count == 13 || !(bytes[13] == UInt8(ascii: ":"))
        {
            return ISO8601Timestamp.parseMicros(String(trimmed.prefix(13)) + ":00" + String(trimmed.dropFirst(13)))
        }
        return ISO8601Timestamp.parseMicros(trimmed)
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
