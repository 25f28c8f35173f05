import Logging
import NIOCore
import NIOPosix

/// Sends requests to one broker over one TCP connection. Requests may be sent concurrently; they are
/// pipelined and their responses matched in order. The API versions are negotiated on connect.
package final class KafkaConnection: Sendable {
    /// Where this connection goes.
    package let address: BrokerAddress
    /// The versions negotiated with the broker on connect.
    package let versions: NegotiatedVersions
    private let channel: any Channel
    private let clientId: String
    private let requestTimeout: Duration

    private init(
        address: BrokerAddress, channel: any Channel, versions: NegotiatedVersions, clientId: String,
        requestTimeout: Duration
    ) {
        self.address = address
        self.channel = channel
        self.versions = versions
        self.clientId = clientId
        self.requestTimeout = requestTimeout
    }

    /// Whether the connection is still open.
    package var isActive: Bool { channel.isActive }

    /// Opens a connection and negotiates versions with ApiVersions (v3, or the broker's highest when
    /// it answers UNSUPPORTED_VERSION with its own range).
    package static func connect(
        to address: BrokerAddress, configuration: KafkaClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "souk.kafka.connection")
    ) async throws(KafkaClientError) -> KafkaConnection {
        let maxResponseBytes = configuration.maxResponseBytes
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(configuration.connectTimeout.timeAmount)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        KafkaResponseHandler(maxResponseBytes: maxResponseBytes))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch {
            throw .connectionFailed(host: address.host, port: address.port, reason: "\(error)")
        }
        let unnegotiated = KafkaConnection(
            address: address, channel: channel, versions: NegotiatedVersions(broker: [:]),
            clientId: configuration.clientId, requestTimeout: configuration.requestTimeout)
        do {
            let response = try await unnegotiated.negotiate()
            logger.debug(
                "connected", metadata: ["kafka.broker": "\(address)", "kafka.apis": "\(response.apiKeys.count)"])
            return KafkaConnection(
                address: address, channel: channel, versions: NegotiatedVersions(response),
                clientId: configuration.clientId, requestTimeout: configuration.requestTimeout)
        } catch {
            await unnegotiated.close()
            throw error
        }
    }

    /// Sends ApiVersions, retrying once in the broker's own highest version if it does not know ours.
    private func negotiate() async throws(KafkaClientError) -> ApiVersionsResponse {
        var version = ApiVersionsRequest.supportedVersions.upperBound
        for _ in 0..<2 {
            let request = ApiVersionsRequest(clientSoftwareName: "souk-kafka", clientSoftwareVersion: "1.0")
            var body = try await roundTrip(request, version: version, timeout: requestTimeout)
            // An UNSUPPORTED_VERSION answer comes in v0's layout whatever version was asked.
            if body.getInteger(at: body.readerIndex, as: Int16.self) == ErrorCode.unsupportedVersion.rawValue {
                let fallback: ApiVersionsResponse
                do { fallback = try ApiVersionsResponse(from: &body, version: 0) } catch { throw .wire(error) }
                let brokerMax = fallback.apiKeys.first { $0.apiKey == ApiKey.apiVersions.rawValue }?.maxVersion ?? 0
                version = min(brokerMax, ApiVersionsRequest.supportedVersions.upperBound)
                continue
            }
            let response: ApiVersionsResponse
            do { response = try ApiVersionsResponse(from: &body, version: version) } catch { throw .wire(error) }
            guard response.errorCode == 0 else {
                throw .broker(ErrorCode(rawValue: response.errorCode), api: .apiVersions, context: "")
            }
            return response
        }
        throw .noCommonVersion(api: .apiVersions, client: ApiVersionsRequest.supportedVersions, broker: nil)
    }

    /// Sends `request` in the negotiated version and decodes the response.
    package func send<R: KafkaRequest>(_ request: R, timeout: Duration? = nil) async throws(KafkaClientError)
        -> R.Response
    {
        try await send(request, version: versions.version(for: R.self), timeout: timeout)
    }

    /// Sends `request` in `version` and decodes the response.
    package func send<R: KafkaRequest>(_ request: R, version: Int16, timeout: Duration? = nil)
        async throws(KafkaClientError) -> R.Response
    {
        var body = try await roundTrip(request, version: version, timeout: timeout ?? requestTimeout)
        do { return try R.Response(from: &body, version: version) } catch { throw .wire(error) }
    }

    /// Sends a request that gets no response (Produce with acks=0); returns once it is written.
    package func sendWithoutResponse<R: KafkaRequest>(_ request: R) async throws(KafkaClientError) {
        let version = try versions.version(for: R.self)
        let frame = Self.frame(request, version: version, clientId: clientId)
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(
            OutboundKafkaRequest(frame: frame, apiKey: R.apiKey, response: nil, timeout: requestTimeout),
            promise: written)
        do { try await written.futureResult.get() } catch { throw KafkaClientError(error) }
    }

    /// Writes the frame and returns the response body after its header.
    private func roundTrip<R: KafkaRequest>(_ request: R, version: Int16, timeout: Duration)
        async throws(KafkaClientError) -> ByteBuffer
    {
        let frame = Self.frame(request, version: version, clientId: clientId)
        let response = channel.eventLoop.makePromise(of: ByteBuffer.self)
        channel.writeAndFlush(
            OutboundKafkaRequest(frame: frame, apiKey: R.apiKey, response: response, timeout: timeout), promise: nil)
        var body: ByteBuffer
        do { body = try await response.futureResult.get() } catch { throw KafkaClientError(error) }
        do {
            _ = try ResponseHeader(from: &body, headerVersion: HeaderVersions.response(for: R.apiKey, version: version))
        } catch { throw .wire(error) }
        return body
    }

    /// The request frame: size, header (correlation id filled in by the handler), body.
    private static func frame<R: KafkaRequest>(_ request: R, version: Int16, clientId: String) -> ByteBuffer {
        var frame = ByteBuffer()
        frame.writeInteger(Int32(0))
        RequestHeader(apiKey: R.apiKey, apiVersion: version, correlationId: 0, clientId: clientId)
            .encode(into: &frame, headerVersion: HeaderVersions.request(for: R.apiKey, version: version))
        request.encode(into: &frame, version: version)
        frame.setInteger(Int32(frame.readableBytes - 4), at: frame.readerIndex)
        return frame
    }

    /// Closes the connection; outstanding requests fail with `.connectionClosed`.
    package func close() async {
        try? await channel.close()
    }
}
