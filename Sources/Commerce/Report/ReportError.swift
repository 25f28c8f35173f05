/// Why `souk analyze` could not report.
package enum ReportError: Error, Equatable, CustomStringConvertible {
    /// `tables/transactions` holds no committed part (in the range asked for, or at all).
    case noData(String)
    /// A file cannot be read as what it should be: the path and why.
    case corrupt(path: String, reason: String)
    case io(path: String, reason: String)

    package var description: String {
        switch self {
        case .noData(let message): message
        case .corrupt(let path, let reason): "\(path): \(reason)"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }

    init(_ error: ReadModelError) {
        switch error {
        case .corrupt(let path, let reason): self = .corrupt(path: path, reason: reason)
        case .io(let path, let reason): self = .io(path: path, reason: reason)
        }
    }
}
