import Commerce
import Engine
import Hummingbird
import Storage

/// The JSON API, the original dashboard's routes and a few more, all served from the read model.
struct APIRoutes {
    let hub: UpdateHub
    let broker: BrokerOverview?

    func register(on router: Router<BasicRequestContext>) {
        let hub = hub
        let source = hub.source
        // The default snapshot is built, and each route's answer encoded, once per change of the source.
        router.get("/api/stats") { _, _ in
            try await JSONResponse.cached(hub, "stats") { $0.stats }
        }
        router.get("/api/categories") { _, _ in
            try await JSONResponse.cached(hub, "categories") { $0.categories }
        }
        router.get("/api/cities") { _, _ in
            try await JSONResponse.cached(hub, "cities") { $0.cities }
        }
        router.get("/api/payments") { _, _ in
            try await JSONResponse.cached(hub, "payments") { $0.payments }
        }
        router.get("/api/transactions/top") { request, _ in
            let count: Int
            do throws(APIError) {
                count = try QueryParameters(request: request).integer(
                    "n", in: 1...CommerceSummary.topCount, default: 10)
            } catch { return try JSONResponse.error(error.status, error.message) }
            if count <= CommerceSnapshot.defaultTopCount {
                return try await JSONResponse.cached(hub, "top \(count)") { Array($0.topTransactions.prefix(count)) }
            }
            return try JSONResponse.ok(
                await source.snapshot(windowMinutes: 0, topCount: count, asOfMicros: UpdateHub.nowMicros())
                    .topTransactions)
        }
        router.get("/api/timeseries") { request, _ in
            let dimension: CommerceDimension
            let minutes: Int
            do throws(APIError) {
                let query = QueryParameters(request: request)
                dimension = try query.dimension(default: .category)
                minutes = try query.integer("minutes", in: 1...1_440, default: 60)
            } catch { return try JSONResponse.error(error.status, error.message) }
            if minutes == CommerceSnapshot.defaultWindowMinutes {
                return try await JSONResponse.cached(hub, "windows \(dimension.name)") { $0.windows[dimension] }
            }
            return try JSONResponse.ok(
                await source.snapshot(windowMinutes: minutes, topCount: 0, asOfMicros: UpdateHub.nowMicros())
                    .windows[dimension])
        }
        router.get("/api/engine/progress") { request, _ in
            try await JSONResponse.answer {
                let count = try QueryParameters(request: request).integer("n", in: 1...1_000, default: 50)
                return await source.progress(last: count)
            }
        }
        router.get("/api/status") { _, _ in
            try JSONResponse.ok(await source.status(asOfMicros: UpdateHub.nowMicros()))
        }
        router.get("/api/broker") { _, _ in
            guard let broker else {
                return try JSONResponse.error(.notFound, "no Kafka bootstrap is configured for this dashboard")
            }
            do {
                return try JSONResponse.ok(try await broker.describe())
            } catch {
                return try JSONResponse.error(.serviceUnavailable, "\(broker.bootstrap): \(error)")
            }
        }
        router.get("/healthz") { _, _ in
            try JSONResponse.ok(Health(status: "ok", mode: source.mode.rawValue, subscribers: hub.subscriberCount))
        }
    }

    struct Health: Encodable {
        var status: String
        var mode: String
        var subscribers: Int
    }
}

/// JSON responses: values in the order their types encode them, errors as `{"error": "..."}`.
enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func ok<T: Encodable>(_ value: T) throws -> Response {
        text(try OrderedJSONEncoder().encode(value), status: .ok)
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        text(try OrderedJSONEncoder().encode(["error": message]), status: status)
    }

    /// A part of the newest snapshot, encoded once per version by the hub.
    static func cached<T: Encodable>(_ hub: UpdateHub, _ key: String, _ part: @escaping (CommerceSnapshot) -> T)
        async throws -> Response
    {
        text(try await hub.body(for: key) { try OrderedJSONEncoder().encode(part($0)) }, status: .ok)
    }

    /// Runs `body`; an `APIError` it throws becomes its status and message.
    static func answer<T: Encodable>(_ body: () async throws -> T) async throws -> Response {
        do { return try ok(try await body()) } catch let error as APIError {
            return try self.error(error.status, error.message)
        }
    }

    static func text(_ json: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }
}
