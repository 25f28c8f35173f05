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
        // The default snapshot is built once per change of the source, by the hub.
        router.get("/api/stats") { _, _ in
            try JSONResponse.ok(await hub.current().snapshot.stats)
        }
        router.get("/api/categories") { _, _ in
            try JSONResponse.ok(await hub.current().snapshot.categories)
        }
        router.get("/api/cities") { _, _ in
            try JSONResponse.ok(await hub.current().snapshot.cities)
        }
        router.get("/api/payments") { _, _ in
            try JSONResponse.ok(await hub.current().snapshot.payments)
        }
        router.get("/api/transactions/top") { request, _ in
            try await JSONResponse.answer {
                let count = try QueryParameters(request: request).integer(
                    "n", in: 1...CommerceSummary.topCount, default: 10)
                if count <= CommerceSnapshot.defaultTopCount {
                    return Array(await hub.current().snapshot.topTransactions.prefix(count))
                }
                return await source.snapshot(windowMinutes: 0, topCount: count, asOfMicros: UpdateHub.nowMicros())
                    .topTransactions
            }
        }
        router.get("/api/timeseries") { request, _ in
            try await JSONResponse.answer {
                let query = QueryParameters(request: request)
                let dimension = try query.dimension(default: .category)
                let minutes = try query.integer("minutes", in: 1...1_440, default: 60)
                if minutes == CommerceSnapshot.defaultWindowMinutes {
                    return await hub.current().snapshot.windows[dimension]
                }
                let snapshot = await source.snapshot(
                    windowMinutes: minutes, topCount: 0, asOfMicros: UpdateHub.nowMicros())
                return snapshot.windows[dimension]
            }
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
