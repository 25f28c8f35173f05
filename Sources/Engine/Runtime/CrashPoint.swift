#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Failure injection for the crash tests: the process kills itself with SIGKILL at a named point of
/// the commit of a given batch, so every window of the commit protocol can be tested on purpose, not
/// only by chance. Set from `SOUK_STREAM_CRASH_AT=<point>:<batch>`; never set in normal runs.
public struct CrashPoint: Sendable, Equatable {
    public enum Point: String, Sendable, CaseIterable {
        /// `offsets/N` written, nothing else.
        case afterOffsets = "after-offsets"
        /// Row groups of the raw table appended and fsynced, not committed.
        case afterRawWrite = "after-raw-write"
        /// Raw table committed, result table not.
        case betweenSinks = "between-sinks"
        /// Every sink committed, `state/N` and `commits/N` not written.
        case afterSinks = "after-sinks"
        /// `state/N` written, `commits/N` not.
        case afterState = "after-state"
    }

    public var point: Point
    public var batch: Int64

    public init(point: Point, batch: Int64) {
        self.point = point
        self.batch = batch
    }

    /// Parses `<point>:<batch>`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let point = Point(rawValue: String(parts[0])), let batch = Int64(parts[1]) else {
            return nil
        }
        self.init(point: point, batch: batch)
    }

    func check(_ reached: Point, batch: Int64) {
        guard reached == point, batch == self.batch else { return }
        kill(getpid(), SIGKILL)
    }
}
