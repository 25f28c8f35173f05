import Commerce
import Hummingbird

/// A request the API refuses: 400 (a bad query parameter) or 404 (no such route), answered as
/// `{"error": "..."}`.
package struct APIError: Error {
    package var status: HTTPResponse.Status
    package var message: String

    package static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }
}

/// Typed reads of the query string, each refusing what it cannot use with a message that names the
/// parameter and what it accepts.
package struct QueryParameters {
    package let request: Request

    package init(request: Request) {
        self.request = request
    }

    /// An integer in `range`, or `defaultValue` when absent.
    package func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(APIError) -> Int
    {
        let values = request.uri.queryParameters.getAll(name)
        guard let text = values.last else { return defaultValue }
        guard values.count == 1 else { throw .badRequest("'\(name)' is given more than once") }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest("'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A dimension name, or `defaultValue` when absent.
    package func dimension(default defaultValue: CommerceDimension) throws(APIError) -> CommerceDimension {
        let values = request.uri.queryParameters.getAll("dimension")
        guard let text = values.last else { return defaultValue }
        guard values.count == 1, let dimension = CommerceDimension(name: String(text)) else {
            throw .badRequest("'dimension' must be category, city or payment_method")
        }
        return dimension
    }
}
