import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The dashboard, its API, the live stream and `/metrics`, as one `Service`: a Hummingbird
/// application over a `DashboardSource`, with the `UpdateHub` that turns the source's changes into
/// server-sent events.
package final class WebServer: Service {
    package let configuration: WebConfiguration
    package let hub: UpdateHub
    private let logger: Logger
    private let registry: PrometheusCollectorRegistry?
    private let onListening: @Sendable (String, Int) -> Void

    /// `registry`: the metrics `/metrics` exports (nil: the route answers 404); `onListening` is
    /// called with the host and port once the server accepts connections.
    package init(
        configuration: WebConfiguration, source: any DashboardSource, registry: PrometheusCollectorRegistry?,
        logger: Logger, onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.hub = UpdateHub(source: source, interval: configuration.pollInterval, logger: logger)
        self.logger = logger
        self.registry = registry
        self.onListening = onListening
    }

    package func run() async throws {
        let broker = configuration.bootstrap.map { BrokerOverview(bootstrap: $0, logger: logger) }
        let router = makeRouter(broker: broker)
        let host = configuration.host
        let onListening = onListening
        let application = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            services: [hub],
            onServerRunning: { channel in onListening(host, channel.localAddress?.port ?? 0) },
            logger: logger)
        let hub = hub
        let grace = configuration.shutdownGrace
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await application.run() }
                // On a graceful shutdown the event streams end at once; a client that stopped reading
                // keeps its response open, so after the grace period the server is cancelled.
                group.addTask {
                    try await gracefulShutdown()
                    hub.stop()
                    try await Task.sleep(for: grace)
                    throw CancellationError()
                }
                try await group.next()
                group.cancelAll()
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            logger.warning("dashboard connections cut after the shutdown grace period")
        } catch {
            await broker?.close()
            throw WebServerError.from(error, host: host, port: configuration.port)
        }
        await broker?.close()
    }

    /// Every route, behind the security headers.
    func makeRouter(broker: BrokerOverview?) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        // Request counts and durations per route, in /metrics beside the engine's and the broker's.
        router.add(middleware: MetricsMiddleware())
        APIRoutes(hub: hub, broker: broker).register(on: router)
        StreamRoute(hub: hub).register(on: router)
        AssetRoutes().register(on: router)
        let registry = registry
        router.get("/metrics") { _, _ in
            guard let registry else { return try JSONResponse.error(.notFound, "metrics are not collected here") }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return router
    }
}

/// Why the dashboard could not serve.
package enum WebServerError: Error, CustomStringConvertible {
    case addressInUse(host: String, port: Int)
    case failed(String)

    static func from(_ error: any Error, host: String, port: Int) -> WebServerError {
        if let io = error as? IOError, io.errnoCode == 98 || io.errnoCode == 48 {
            return .addressInUse(host: host, port: port)
        }
        let text = "\(error)"
        if text.contains("Address already in use") { return .addressInUse(host: host, port: port) }
        return .failed(text)
    }

    package var description: String {
        switch self {
        case .addressInUse(let host, let port): "the dashboard cannot listen on \(host):\(port): the port is in use"
        case .failed(let text): "the dashboard stopped: \(text)"
        }
    }
}
