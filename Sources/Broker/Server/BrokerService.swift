import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The whole broker as one `Service`: topics and logs, producer state, the TCP server, and a retention
/// sweep. Shutting down closes connections, flushes and closes every log and saves producer state.
package final class BrokerService: Service {
    private let configuration: BrokerConfiguration
    private let logger: Logger
    private let onListening: @Sendable (String, Int) -> Void

    /// `onListening` is called with the host and port once the server accepts connections.
    package init(
        configuration: BrokerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    package func run() async throws {
        let registry = try await TopicRegistry.open(configuration: configuration, logger: logger)
        let producers = ProducerStateTable(directory: registry.directoryPath, logger: logger)
        await producers.rebuild(from: registry)
        let groups: GroupCoordinator
        do {
            groups = try await GroupCoordinator.open(
                directory: (registry.directoryPath as NSString).appendingPathComponent("groups"), logger: logger)
        } catch {
            await registry.close()
            throw error
        }
        let network = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let configuration = configuration
        let logger = logger
        let onListening = onListening
        let server = KafkaServer(
            configuration: configuration, group: network, logger: logger,
            router: { port in
                RequestRouter(
                    registry: registry, producers: producers, groups: groups, configuration: configuration,
                    advertisedHost: configuration.advertisedHost ?? Self.advertisable(configuration.host),
                    advertisedPort: configuration.advertisedPort ?? port, logger: logger)
            },
            bound: { address in onListening(configuration.host, address.port ?? configuration.port) })
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                group.addTask { try await groups.run() }
                group.addTask {
                    // Retention sweep every five minutes, until shutdown.
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        try? await Task.sleep(for: .seconds(300))
                        await registry.enforceRetention(now: RequestRouter.now())
                    }
                }
                group.addTask {
                    // The cleaner's passes over compacted topics, until shutdown.
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        try? await Task.sleep(for: configuration.cleanerInterval)
                        await registry.cleanCompactedLogs(now: RequestRouter.now())
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            logger.error("broker stopped", metadata: ["error": "\(error)"])
            await groups.shutdown()
            _ = await Self.close(registry: registry, producers: producers, network: network, logger: logger)
            throw error
        }
        await groups.shutdown()
        let failed = await Self.close(registry: registry, producers: producers, network: network, logger: logger)
        if !failed.isEmpty { throw CloseFailure(logs: failed) }
    }

    /// The broker stopped, but the last flush of these partition logs failed: records acknowledged with
    /// interval fsync may be lost.
    package struct CloseFailure: Error, CustomStringConvertible {
        package var logs: [String]
        package var description: String {
            "the last flush failed for \(logs.count) partition log(s): \(logs.joined(separator: ", "))"
        }
    }

    /// Saves producer state and closes the logs; returns the logs that failed to flush or close.
    private static func close(
        registry: TopicRegistry, producers: ProducerStateTable, network: MultiThreadedEventLoopGroup, logger: Logger
    ) async -> [String] {
        do { try await producers.save() } catch {
            logger.error("cannot save producer state", metadata: ["error": "\(error)"])
        }
        let failed = await registry.close()
        try? await network.shutdownGracefully()
        if failed.isEmpty { logger.info("broker stopped cleanly") }
        return failed
    }

    /// Clients cannot connect to a wildcard address: advertise loopback for it.
    private static func advertisable(_ host: String) -> String {
        host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
    }
}
