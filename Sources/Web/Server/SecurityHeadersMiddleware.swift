import HTTPTypes
import Hummingbird

/// Adds the headers every response carries: a Content-Security-Policy without inline scripts or
/// styles that forbids framing, `nosniff`, no referrer; and turns a 404 (no such route) or an
/// unexpected error into the API's JSON error shape.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = try JSONResponse.error(error.status, error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            response = try JSONResponse.error(.internalServerError, "internal error")
        }
        if response.status == .notFound && response.headers[.contentType] != JSONResponse.contentType {
            response = try JSONResponse.error(.notFound, "no route \(request.method) \(request.uri.path)")
        }
        if response.status == .methodNotAllowed && response.headers[.contentType] != JSONResponse.contentType {
            response = try JSONResponse.error(
                .methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path)")
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        if let name = ExtraHeader.frameOptions { response.headers[name] = "DENY" }
        if let name = ExtraHeader.referrerPolicy { response.headers[name] = "no-referrer" }
        return response
    }
}

/// Header names HTTPTypes has no constant for.
enum ExtraHeader {
    static let frameOptions = HTTPField.Name("X-Frame-Options")
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")
}
