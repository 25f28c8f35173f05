import Commerce
import Hummingbird

/// A request the API refuses: 400 (a bad query parameter) or 404 (no such route), answered as
/// `{"error": "..."}`.
struct APIError: Error {
    var status: HTTPResponse.Status
    var message: String

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }
}

/// Typed reads of the query string, each refusing what it cannot use with a message that names the
/// parameter and what it accepts.
struct QueryParameters {
    let request: Request

    /// An integer in `range`, or `defaultValue` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(APIError) -> Int {
        let values = request.uri.queryParameters.getAll(name)
        guard let text = values.last else { return defaultValue }
        guard values.count == 1 else { throw .badRequest("'\(name)' is given more than once") }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest("'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A dimension name, or `defaultValue` when absent.
    func dimension(default defaultValue: CommerceDimension) throws(APIError) -> CommerceDimension {
        let values = request.uri.queryParameters.getAll("dimension")
        guard let text = values.last else { return defaultValue }
        guard values.count == 1, let dimension = CommerceDimension(name: String(text)) else {
            throw .badRequest("'dimension' must be category, city or payment_method")
        }
        return dimension
    }
}
