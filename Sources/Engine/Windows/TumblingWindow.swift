/// Event-time tumbling windows of a fixed size, aligned to the Unix epoch (as Spark's `window()`).
public struct TumblingWindow: WindowAssigner, Hashable {
    /// Window length in microseconds.
    public let sizeMicros: Int64

    public init(size: Duration) {
        sizeMicros = max(1, size.microseconds)
    }

    /// The start of the window holding `micros` (floor division, so times before 1970 work too).
    @inline(__always)
    public func start(of micros: Int64) -> Int64 {
        floor(micros, toMultipleOf: sizeMicros)
    }

    public func starts(containing micros: Int64) -> [Int64] { [start(of: micros)] }
}
