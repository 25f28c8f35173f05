import Foundation

/// Durations as users type them: `200ms`, `1s`, `1.5s`, `5m`, `1h`, `0`.
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        if text == "0" { return .zero }
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite, value * scale < 1e9
            else { return nil }
            return .microseconds(Int64((value * scale * 1e6).rounded()))
        }
        return nil
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
