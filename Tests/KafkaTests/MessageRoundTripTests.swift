import NIOCore
import Testing

@testable import Kafka

/// A message type with generated sample values (Generated/<Api>Samples.swift).
protocol SampledMessage: KafkaMessage {
    /// Non-default values in every field that exists in `version`; every field when nil.
    static func sample(version: Int16?) -> Self
    /// Every field at its spec default.
    static var defaultValue: Self { get }
}

extension ProduceRequest: SampledMessage {}
extension ProduceResponse: SampledMessage {}
extension FetchRequest: SampledMessage {}
extension FetchResponse: SampledMessage {}
extension ListOffsetsRequest: SampledMessage {}
extension ListOffsetsResponse: SampledMessage {}
extension MetadataRequest: SampledMessage {}
extension MetadataResponse: SampledMessage {}
extension OffsetCommitRequest: SampledMessage {}
extension OffsetCommitResponse: SampledMessage {}
extension OffsetFetchRequest: SampledMessage {}
extension OffsetFetchResponse: SampledMessage {}
extension FindCoordinatorRequest: SampledMessage {}
extension FindCoordinatorResponse: SampledMessage {}
extension JoinGroupRequest: SampledMessage {}
extension JoinGroupResponse: SampledMessage {}
extension SyncGroupRequest: SampledMessage {}
extension SyncGroupResponse: SampledMessage {}
extension HeartbeatRequest: SampledMessage {}
extension HeartbeatResponse: SampledMessage {}
extension LeaveGroupRequest: SampledMessage {}
extension LeaveGroupResponse: SampledMessage {}
extension DescribeGroupsRequest: SampledMessage {}
extension DescribeGroupsResponse: SampledMessage {}
extension ListGroupsRequest: SampledMessage {}
extension ListGroupsResponse: SampledMessage {}
extension ApiVersionsRequest: SampledMessage {}
extension ApiVersionsResponse: SampledMessage {}
extension CreateTopicsRequest: SampledMessage {}
extension CreateTopicsResponse: SampledMessage {}
extension DeleteTopicsRequest: SampledMessage {}
extension DeleteTopicsResponse: SampledMessage {}
extension InitProducerIdRequest: SampledMessage {}
extension InitProducerIdResponse: SampledMessage {}
extension DescribeConfigsRequest: SampledMessage {}
extension DescribeConfigsResponse: SampledMessage {}
extension CreatePartitionsRequest: SampledMessage {}
extension CreatePartitionsResponse: SampledMessage {}
extension AlterConfigsRequest: SampledMessage {}
extension AlterConfigsResponse: SampledMessage {}
extension IncrementalAlterConfigsRequest: SampledMessage {}
extension IncrementalAlterConfigsResponse: SampledMessage {}
extension DeleteRecordsRequest: SampledMessage {}
extension DeleteRecordsResponse: SampledMessage {}
extension DeleteGroupsRequest: SampledMessage {}
extension DeleteGroupsResponse: SampledMessage {}
extension OffsetDeleteRequest: SampledMessage {}
extension OffsetDeleteResponse: SampledMessage {}

/// One message type at one version, as a test argument.
struct MessageCase: Sendable, CustomTestStringConvertible {
    let type: any SampledMessage.Type
    let version: Int16

    var testDescription: String { "\(type) v\(version)" }

    static let all: [MessageCase] = types.flatMap { type in
        type.supportedVersions.map { MessageCase(type: type, version: $0) }
    }

    static let types: [any SampledMessage.Type] = [
        ProduceRequest.self, ProduceResponse.self,
        FetchRequest.self, FetchResponse.self,
        ListOffsetsRequest.self, ListOffsetsResponse.self,
        MetadataRequest.self, MetadataResponse.self,
        OffsetCommitRequest.self, OffsetCommitResponse.self,
        OffsetFetchRequest.self, OffsetFetchResponse.self,
        FindCoordinatorRequest.self, FindCoordinatorResponse.self,
        JoinGroupRequest.self, JoinGroupResponse.self,
        SyncGroupRequest.self, SyncGroupResponse.self,
        HeartbeatRequest.self, HeartbeatResponse.self,
        LeaveGroupRequest.self, LeaveGroupResponse.self,
        DescribeGroupsRequest.self, DescribeGroupsResponse.self,
        ListGroupsRequest.self, ListGroupsResponse.self,
        ApiVersionsRequest.self, ApiVersionsResponse.self,
        CreateTopicsRequest.self, CreateTopicsResponse.self,
        DeleteTopicsRequest.self, DeleteTopicsResponse.self,
        InitProducerIdRequest.self, InitProducerIdResponse.self,
        DescribeConfigsRequest.self, DescribeConfigsResponse.self,
        CreatePartitionsRequest.self, CreatePartitionsResponse.self,
        AlterConfigsRequest.self, AlterConfigsResponse.self,
        IncrementalAlterConfigsRequest.self, IncrementalAlterConfigsResponse.self,
        DeleteRecordsRequest.self, DeleteRecordsResponse.self,
        DeleteGroupsRequest.self, DeleteGroupsResponse.self, OffsetDeleteRequest.self, OffsetDeleteResponse.self,
    ]
}

@Suite struct MessageRoundTripTests {
    @Test(arguments: MessageCase.all)
    func roundTripsEveryFieldOfTheVersion(_ testCase: MessageCase) throws {
        try Self.roundTrip(testCase.type, version: testCase.version)
    }

    @Test(arguments: MessageCase.all)
    func fieldsOutsideTheVersionAreDroppedAndDefaulted(_ testCase: MessageCase) throws {
        try Self.dropsGatedFields(testCase.type, version: testCase.version)
    }

    @Test(arguments: MessageCase.all)
    func everyTruncationThrows(_ testCase: MessageCase) throws {
        try Self.truncations(testCase.type, version: testCase.version)
    }

    @Test func versionsOutsideTheSetAreRejected() {
        var buffer = ByteBuffer()
        #expect(throws: WireError.unsupportedVersion(apiKey: 0, version: 9)) {
            try ProduceRequest(from: &buffer, version: 9)
        }
        #expect(throws: WireError.unsupportedVersion(apiKey: 1, version: 3)) {
            try FetchResponse(from: &buffer, version: 3)
        }
        #expect(MessageCase.types.count == 48)
        #expect(MessageCase.all.count == 2 * 99)
    }

    static func roundTrip<M: SampledMessage>(_ type: M.Type, version: Int16) throws {
        let sample = M.sample(version: version)
        let bytes = sample.encoded(version: version)
        // A version without fields encodes to nothing, or in a flexible version to the empty tag buffer (0).
        if bytes.readableBytes > 0 && Array(bytes.readableBytesView) != [0] {
            #expect(sample != M.defaultValue, "the sample sets at least one field")
        }
        let decoded = try M(decodingWhole: bytes, version: version)
        #expect(decoded == sample)
        #expect(decoded.encoded(version: version) == bytes)
    }

    static func dropsGatedFields<M: SampledMessage>(_ type: M.Type, version: Int16) throws {
        let everything = M.sample(version: nil)
        let decoded = try M(decodingWhole: everything.encoded(version: version), version: version)
        #expect(decoded == M.sample(version: version))
    }

    static func truncations<M: SampledMessage>(_ type: M.Type, version: Int16) throws {
        let bytes = M.sample(version: version).encoded(version: version)
        for length in 0..<bytes.readableBytes {
            var prefix = try #require(bytes.getSlice(at: bytes.readerIndex, length: length))
            #expect(throws: WireError.self, "prefix of \(length) of \(bytes.readableBytes) bytes") {
                try M(from: &prefix, version: version)
            }
        }
    }
}
