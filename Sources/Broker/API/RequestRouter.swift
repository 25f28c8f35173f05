import CoreMetrics
import Foundation
import Kafka
import Logging
import NIOCore

/// Turns one request frame into its response frame: decodes the header and body, calls the API's
/// handler (one file per API under `API/<Api>/`), encodes the response with the right header version.
package struct RequestRouter: Sendable {
    /// What the connection does after a request.
    package enum Outcome: Sendable {
        /// Write this frame (length prefix included).
        case respond(ByteBuffer)
        /// Write this frame made of pieces, some of them left in segment files (length prefix included).
        case respondInParts([ResponseChunk])
        /// Produce with acks=0: nothing is sent back.
        case noResponse
        /// A request the broker cannot answer in its own protocol: close only this connection.
        case close(reason: String)
    }

    let registry: TopicRegistry
    let producers: ProducerStateTable
    let groups: GroupCoordinator
    let configuration: BrokerConfiguration
    /// The address clients are told to use.
    let advertisedHost: String
    let advertisedPort: Int32
    let logger: Logger
    let metrics: RequestMetrics

    package init(
        registry: TopicRegistry, producers: ProducerStateTable, groups: GroupCoordinator,
        configuration: BrokerConfiguration,
        advertisedHost: String, advertisedPort: Int, logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.metrics = RequestMetrics(factory: metricsFactory)
        self.registry = registry
        self.producers = producers
        self.groups = groups
        self.configuration = configuration
        self.advertisedHost = advertisedHost
        self.advertisedPort = Int32(advertisedPort)
        self.logger = logger
    }

    /// Handles one request frame (without its length prefix); `peer` is the client's address for
    /// DescribeGroups (`/127.0.0.1`).
    package func handle(frame: ByteBuffer, peer: String = "") async -> Outcome {
        let started = ContinuousClock.now
        let api =
            frame.getInteger(at: frame.readerIndex, as: Int16.self).flatMap(ApiKey.init(rawValue:))?.name ?? "unknown"
        let outcome = await dispatch(frame: frame, peer: peer)
        let (label, size): (String, Int) =
            switch outcome {
            case .respond(let response): ("response", response.readableBytes)
            case .respondInParts(let parts): ("response", parts.reduce(0) { $0 + $1.length })
            case .noResponse: ("no_response", 0)
            case .close: ("closed", 0)
            }
        metrics.record(
            api: api, outcome: label, requestBytes: frame.readableBytes + 4, responseBytes: size,
            duration: ContinuousClock.now - started)
        return outcome
    }

    private func dispatch(frame: ByteBuffer, peer: String) async -> Outcome {
        var body = frame
        let header: RequestHeader
        do {
            header = try RequestHeader(from: &body)
        } catch {
            return .close(reason: "malformed request header: \(error)")
        }
        guard let key = header.knownApiKey else {
            return .close(reason: "unknown api key \(header.apiKey)")
        }
        if key == .apiVersions && !ApiVersionsRequest.supportedVersions.contains(header.apiVersion) {
            // Clients probe with their newest ApiVersions; answer in v0 so they can fall back.
            return respond(unsupportedApiVersions(), header: header, version: 0)
        }
        guard let advertised = Self.advertised[key], advertised.contains(header.apiVersion) else {
            return .close(reason: "unsupported \(key.name) version \(header.apiVersion)")
        }
        do {
            switch key {
            case .apiVersions:
                let request = try ApiVersionsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(apiVersions(request, version: header.apiVersion), header: header)
            case .metadata:
                let request = try MetadataRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await metadata(request, version: header.apiVersion), header: header)
            case .produce:
                let request = try ProduceRequest(decodingWhole: body, version: header.apiVersion)
                let response = await produce(request, version: header.apiVersion)
                return request.acks == 0 ? .noResponse : respond(response, header: header)
            case .fetch:
                let request = try FetchRequest(decodingWhole: body, version: header.apiVersion)
                let (response, slices) = await fetch(request, version: header.apiVersion)
                guard let slices else { return respond(response, header: header) }
                return .respondInParts(Self.frame(response, slices: slices, header: header, version: header.apiVersion))
            case .listOffsets:
                let request = try ListOffsetsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await listOffsets(request), header: header)
            case .findCoordinator:
                let request = try FindCoordinatorRequest(decodingWhole: body, version: header.apiVersion)
                return respond(findCoordinator(request), header: header)
            case .initProducerId:
                let request = try InitProducerIdRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await initProducerId(request), header: header)
            case .createTopics:
                let request = try CreateTopicsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await createTopics(request), header: header)
            case .deleteTopics:
                let request = try DeleteTopicsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await deleteTopics(request), header: header)
            case .createPartitions:
                let request = try CreatePartitionsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await createPartitions(request), header: header)
            case .describeConfigs:
                let request = try DescribeConfigsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await describeConfigs(request), header: header)
            case .alterConfigs:
                let request = try AlterConfigsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await alterConfigs(request), header: header)
            case .incrementalAlterConfigs:
                let request = try IncrementalAlterConfigsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await incrementalAlterConfigs(request), header: header)
            case .deleteRecords:
                let request = try DeleteRecordsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await deleteRecords(request), header: header)
            case .joinGroup:
                let request = try JoinGroupRequest(decodingWhole: body, version: header.apiVersion)
                return respond(
                    await joinGroup(request, version: header.apiVersion, header: header, peer: peer), header: header)
            case .syncGroup:
                let request = try SyncGroupRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.syncGroup(request), header: header)
            case .heartbeat:
                let request = try HeartbeatRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.heartbeat(request), header: header)
            case .leaveGroup:
                let request = try LeaveGroupRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.leaveGroup(request, version: header.apiVersion), header: header)
            case .offsetCommit:
                let request = try OffsetCommitRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await offsetCommit(request), header: header)
            case .offsetFetch:
                let request = try OffsetFetchRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.fetchOffsets(request, version: header.apiVersion), header: header)
            case .describeGroups:
                let request = try DescribeGroupsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.describeGroups(request), header: header)
            case .listGroups:
                let request = try ListGroupsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.listGroups(request), header: header)
            case .deleteGroups:
                let request = try DeleteGroupsRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.deleteGroups(request), header: header)
            case .offsetDelete:
                let request = try OffsetDeleteRequest(decodingWhole: body, version: header.apiVersion)
                return respond(await groups.deleteOffsets(request), header: header)
            default:
                return .close(reason: "\(key.name) is not implemented")
            }
        } catch {
            return .close(reason: "malformed \(key.name) v\(header.apiVersion) request: \(error)")
        }
    }

    /// Frames `response` with the response header the API and version call for.
    private func respond<Response: KafkaResponse>(
        _ response: Response, header: RequestHeader, version: Int16? = nil
    ) -> Outcome {
        let version = version ?? header.apiVersion
        var frame = ByteBuffer()
        frame.writeInteger(Int32(0))
        let headerVersion = HeaderVersions.response(for: Response.apiKey, version: version)
        ResponseHeader(correlationId: header.correlationId).encode(into: &frame, headerVersion: headerVersion)
        response.encode(into: &frame, version: version)
        frame.setInteger(Int32(frame.readableBytes - 4), at: frame.readerIndex)
        return .respond(frame)
    }

    /// Milliseconds since the Unix epoch.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
