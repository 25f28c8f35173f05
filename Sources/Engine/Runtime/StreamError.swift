/// What stops a stream: every failure the engine reports, with a message fit for a one-line CLI error.
public enum StreamError: Error, Sendable, CustomStringConvertible {
    /// The source could not be read (connection, unknown topic, file missing).
    case source(String)
    /// Checkpoint files could not be written or read, or contradict each other.
    case checkpoint(String)
    /// A sink failed to write or commit.
    case sink(String)
    /// The data directory is held by another process.
    case locked(String)
    /// A setting is out of range.
    case configuration(String)

    public var description: String {
        switch self {
        case .source(let message): "source: \(message)"
        case .checkpoint(let message): "checkpoint: \(message)"
        case .sink(let message): "sink: \(message)"
        case .locked(let message): message
        case .configuration(let message): "configuration: \(message)"
        }
    }
}
