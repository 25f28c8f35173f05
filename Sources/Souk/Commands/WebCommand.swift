import ArgumentParser
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Web

/// `souk web`: the dashboard over the committed tables of a data directory (or the sum of several:
/// stream replicas sharing a topic in one consumer group), with no engine in the process. It reads the
/// tables before it listens, so its first answer is complete, then follows new commits, reading only
/// what is new.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "Serve the dashboard and its API over the committed tables.",
        discussion: """
            Serves http://<host>:<port>/ (the dashboard), /api/... (JSON), /api/stream (server-sent events) \
            and /metrics from <data-dir>/tables, following what a running `souk stream` commits there. \
            Repeat --data-dir for stream replicas that share a topic in one consumer group (souk stream \
            --group): the dashboard shows their sum.
            """)

    @Option(help: "Directory a stream writes its tables to; repeat it for replicas in one consumer group.")
    var dataDir: [String] = ["./souk-data"]
    @Option(help: "Address to listen on (0.0.0.0 to be reachable from other machines).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: a free port).") var port = 5000
    @Option(help: "Kafka bootstrap the /broker page describes (default: none).") var bootstrap: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard !host.isEmpty else { throw ValidationError("--host is empty") }
        guard !dataDir.contains(where: \.isEmpty) else { throw ValidationError("--data-dir is empty") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'")
        }
    }

    func run() async throws {
        raiseOpenFileLimit()
        bootstrapStandardErrorLogging(level: Logger.Level(rawValue: logLevel) ?? .info)
        let registry = bootstrapPrometheusMetrics()
        let logger = Logger(label: "souk.web")
        let source = TablesDashboardSource(dataDirectories: dataDir)
        do { _ = try await source.refresh() } catch {
            throw CommandFailure(command: "web", message: "\(error)")
        }
        var configuration = WebConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.bootstrap = bootstrap
        configuration.pollInterval = .seconds(1)
        let server = WebServer(configuration: configuration, source: source, registry: registry, logger: logger) {
            host, port in
            writeToStandardOutput(
                "Souk dashboard: \(DashboardURL.text(host: host, port: port)) "
                    + "(tables under \(dataDir.joined(separator: ", ")))\n")
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do { try await group.run() } catch {
            throw CommandFailure(command: "web", message: "\(error)")
        }
    }
}

/// The URL a person opens for a dashboard listening on `host`.
enum DashboardURL {
    static func text(host: String, port: Int) -> String {
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)"
    }
}

/// Sends swift-metrics to a Prometheus registry (once per process) and returns it for `/metrics`.
func bootstrapPrometheusMetrics() -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}
