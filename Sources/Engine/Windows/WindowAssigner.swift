/// Assigns an event time to the fixed windows holding it (tumbling or sliding), aligned to the epoch
/// as Spark's `window()` is. Session windows depend on the other events of a key: see `SessionState`.
public protocol WindowAssigner: Sendable {
    /// Window length in microseconds.
    var sizeMicros: Int64 { get }
    /// The starts of every window holding `micros`, ascending.
    func starts(containing micros: Int64) -> [Int64]
}

extension WindowAssigner {
    /// The exclusive end of the window starting at `start`.
    public func end(ofWindowStartingAt start: Int64) -> Int64 { start + sizeMicros }
}

/// Why a window definition was refused.
public struct WindowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}
