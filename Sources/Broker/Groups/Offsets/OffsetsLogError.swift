/// Failures of the committed-offsets log. The coordinator answers commits that hit one with
/// COORDINATOR_NOT_AVAILABLE, which clients retry.
package enum OffsetsLogError: Error, Equatable, CustomStringConvertible {
    /// A system call failed; the message names the call, the path and `strerror`.
    case io(String)
    /// The file does not start with the offsets-log magic: it is not an offsets log.
    case notAnOffsetsLog(path: String)
    /// The store was closed (the coordinator is shutting down).
    case closed

    package var description: String {
        switch self {
        case .io(let message): "offsets log: \(message)"
        case .notAnOffsetsLog(let path): "offsets log: \(path) is not an offsets log"
        case .closed: "offsets log: closed"
        }
    }
}
