/// Event-time tumbling windows of a fixed size, aligned to the Unix epoch (as Spark's `window()`).
public struct TumblingWindow: WindowAssigner, Hashable {
    /// Window length in microseconds.
    public let sizeMicros: Int64

    public init(size: Duration) {
        let (seconds, attoseconds) = size.components
        sizeMicros = max(1, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }

    /// The start of the window holding `micros` (floor division, so times before 1970 work too).
    @inline(__always)
    public func start(of micros: Int64) -> Int64 {
        let (quotient, remainder) = micros.quotientAndRemainder(dividingBy: sizeMicros)
        return (remainder < 0 ? quotient - 1 : quotient) * sizeMicros
    }

    public func starts(containing micros: Int64) -> [Int64] { [start(of: micros)] }
}
