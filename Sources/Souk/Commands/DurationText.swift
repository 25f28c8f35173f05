import ArgumentParser
import Foundation

/// Durations as users type them: `200ms`, `1s`, `1.5s`, `90s`, `5m`, `1h`, `0`; with `bareSeconds`, a
/// bare number too (`90` is 90 s). Parsed exactly in nanoseconds: a value that does not fit in 64-bit
/// nanoseconds (about 292 years), a negative one or one with an unknown unit is nil.
enum DurationText {
    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
    ]

    /// A `--duration`: a positive duration, seconds when bare; a usage error otherwise.
    static func runLength(_ text: String) throws -> Duration {
        guard let parsed = parse(text, bareSeconds: true), parsed > .zero else {
            throw ValidationError(
                "--duration '\(text)' is not a positive duration that fits in 64-bit nanoseconds "
                    + "(seconds, or a number with ms, s, m or h)")
        }
        return parsed
    }

    static func parse(_ text: String, bareSeconds: Bool = false) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = text.dropFirst(number.count)
        let scale: Int64
        if suffix.isEmpty {
            guard bareSeconds || number.allSatisfy({ $0 == "0" || $0 == "." }) else { return nil }
            scale = 1_000_000_000
        } else {
            guard let unit = units.first(where: { $0.suffix == suffix }) else { return nil }
            scale = unit.nanoseconds
        }
        return nanoseconds(Substring(number), scale: scale).map { Duration.nanoseconds($0) }
    }

    /// `number` (digits, optionally a fraction) times `scale` nanoseconds, nil on overflow.
    private static func nanoseconds(_ number: Substring, scale: Int64) -> Int64? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !(whole.isEmpty && parts.count == 1)
        else { return nil }
        var total: Int64 = 0
        for digit in whole {
            guard let value = digit.wholeNumberValue else { return nil }
            let shifted = total.multipliedReportingOverflow(by: 10)
            let added = shifted.partialValue.addingReportingOverflow(Int64(value))
            guard !shifted.overflow, !added.overflow else { return nil }
            total = added.partialValue
        }
        let scaled = total.multipliedReportingOverflow(by: scale)
        guard !scaled.overflow else { return nil }
        guard parts.count == 2 else { return scaled.partialValue }
        let fraction = parts[1]
        guard !fraction.isEmpty || !whole.isEmpty, fraction.allSatisfy(\.isNumber) else { return nil }
        // A fraction of one unit is below `scale` nanoseconds: a double holds it well enough.
        let part = Int64(((Double("0." + fraction) ?? 0) * Double(scale)).rounded())
        let sum = scaled.partialValue.addingReportingOverflow(part)
        return sum.overflow ? nil : sum.partialValue
    }
}

/// Byte sizes as users type them: `128MiB`, `64MB`, `1GiB`, `4096`.
enum ByteSizeText {
    static func parse(_ text: String) -> Int64? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1_000), ("MB", 1_000_000),
            ("GB", 1_000_000_000),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Int64(text.dropLast(suffix.count)), value >= 0, value <= Int64.max / scale else {
                return nil
            }
            return value * scale
        }
        return Int64(text)
    }
}
