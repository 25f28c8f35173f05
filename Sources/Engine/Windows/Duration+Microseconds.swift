import Storage

extension Duration {
    /// Whole microseconds (the engine's unit of event time).
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

/// `value` rounded down to a multiple of `step` (floor division: times before 1970 work too).
@inline(__always)
func floor(_ value: Int64, toMultipleOf step: Int64) -> Int64 {
    ISO8601Timestamp.floorDivide(value, step).0 * step
}
