import NIOCore
import Testing

@testable import Kafka

/// Response bodies against bytes written out by hand from the specs (the same layouts
/// Fixtures/capture.py answers real clients with), independent of the generated codec.
@Suite struct KnownBytesTests {
    static let apiVersions = ApiVersionsResponse(
        errorCode: 0, apiKeys: [.init(apiKey: 18, minVersion: 0, maxVersion: 3)], throttleTimeMs: 0)

    @Test func apiVersionsResponseV0() throws {
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 18, 0, 0, 0, 3]
        #expect(Self.apiVersions.encoded(version: 0).bytes == bytes)
        #expect(try ApiVersionsResponse(decodingWhole: ByteBuffer(bytes), version: 0) == Self.apiVersions)
    }

    @Test func apiVersionsResponseV3IsCompactWithTaggedFields() throws {
        // error, compact array (1 + 1), key 18 0..3 + empty tags, throttle, empty top-level tags.
        let bytes: [UInt8] = [0, 0, 0x02, 0, 18, 0, 0, 0, 3, 0x00, 0, 0, 0, 0, 0x00]
        #expect(Self.apiVersions.encoded(version: 3).bytes == bytes)
        #expect(try ApiVersionsResponse(decodingWhole: ByteBuffer(bytes), version: 3) == Self.apiVersions)

        // A broker's tag 1 (FinalizedFeaturesEpoch) is read; an unknown tag 7 is skipped.
        let tagged: [UInt8] = [0, 0, 0x01, 0, 0, 0, 0, 0x02, 0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 9, 0x07, 0x01, 0xEE]
        let response = try ApiVersionsResponse(decodingWhole: ByteBuffer(tagged), version: 3)
        #expect(response.finalizedFeaturesEpoch == 9)
        #expect(response.apiKeys.isEmpty)
    }

    @Test func produceResponseV8() throws {
        let partition = ProduceResponse.PartitionProduceResponse(
            index: 0, errorCode: 0, baseOffset: 5, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [],
            errorMessage: nil)
        let response = ProduceResponse(
            responses: [.init(name: "t", partitionResponses: [partition])], throttleTimeMs: 0)
        var expected = ByteBuffer()
        expected.writeInteger(Int32(1))
        expected.writeInteger(Int16(1))
        expected.writeString("t")
        expected.writeInteger(Int32(1))
        expected.writeInteger(Int32(0))  // index
        expected.writeInteger(Int16(0))  // error
        expected.writeInteger(Int64(5))  // base offset
        expected.writeInteger(Int64(-1))  // log append time (v2+)
        expected.writeInteger(Int64(0))  // log start offset (v5+)
        expected.writeInteger(Int32(0))  // record errors (v8+)
        expected.writeInteger(Int16(-1))  // error message (v8+), null
        expected.writeInteger(Int32(0))  // throttle (v1+)
        #expect(response.encoded(version: 8) == expected)
        // v0 has none of the gated fields: 4 + (2 + 1) + 4 + 4 + 2 + 8 bytes.
        #expect(response.encoded(version: 0).readableBytes == 25)
    }
}
