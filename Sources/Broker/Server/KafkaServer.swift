import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The broker's TCP server. Each connection is served by its own child task, one request at a time
/// in arrival order, as Kafka does: responses go back in request order, a long-polling fetch holds
/// only its own connection, and a client that never reads only blocks itself.
package final class KafkaServer: Service {
    private let configuration: BrokerConfiguration
    private let router: @Sendable (Int) -> RequestRouter
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    private let bound: @Sendable (SocketAddress) -> Void

    /// `router` is made once the port is bound (the advertised port defaults to it); `bound` is told
    /// the listening address.
    package init(
        configuration: BrokerConfiguration, group: MultiThreadedEventLoopGroup, logger: Logger,
        router: @escaping @Sendable (Int) -> RequestRouter, bound: @escaping @Sendable (SocketAddress) -> Void
    ) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.router = router
        self.bound = bound
    }

    package func run() async throws {
        let maxFrame = configuration.maxRequestBytes
        let inFlight = max(1, configuration.maxInFlightRequests)
        let channelConfiguration = NIOAsyncChannel<ByteBuffer, ResponseChunk>.Configuration(
            backPressureStrategy: .init(lowWatermark: max(1, inFlight / 2), highWatermark: inFlight))
        let idle = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    try handlers.addHandler(IdleStateHandler(allTimeout: idle))
                    try handlers.addHandler(IdleConnectionCloser())
                    try handlers.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameBytes: maxFrame)))
                    try handlers.addHandler(ResponseChunkWriter())
                    return try NIOAsyncChannel<ByteBuffer, ResponseChunk>(
                        wrappingChannelSynchronously: channel, configuration: channelConfiguration)
                }
            }
        guard let address = server.channel.localAddress, let port = address.port else {
            throw ServerError.noAddress
        }
        bound(address)
        let router = router(port)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        guard self.admit(connection.channel) else {
                            self.logger.warning("connection refused: too many connections")
                            try? await connection.channel.close()
                            continue
                        }
                        group.addTask {
                            await self.serve(connection, router: router)
                            self.connections.withLockedValue { $0[ObjectIdentifier(connection.channel)] = nil }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
            for channel in self.connections.withLockedValue({ Array($0.values) }) { channel.close(promise: nil) }
        }
    }

    private func admit(_ channel: any Channel) -> Bool {
        connections.withLockedValue { open in
            guard open.count < configuration.maxConnections else { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ResponseChunk>, router: RequestRouter) async {
        var logger = logger
        logger[metadataKey: "peer"] = "\(connection.channel.remoteAddress?.description ?? "?")"
        let peer = "/" + (connection.channel.remoteAddress?.ipAddress ?? "unknown")
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    switch await router.handle(frame: frame, peer: peer) {
                    case .respond(let response): try await outbound.write(.bytes(response))
                    case .respondInParts(let parts): try await outbound.write(contentsOf: parts)
                    case .noResponse: continue
                    case .close(let reason):
                        logger.warning("closing connection", metadata: ["reason": "\(reason)"])
                        return
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    enum ServerError: Error {
        case noAddress
    }
}
