import NIOCore
import Testing

@testable import Kafka

@Suite struct FrameDecoderTests {
    static let frames: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 0xAB, count: 300), [9]]

    static var stream: [UInt8] {
        frames.flatMap { frame in
            encoded { $0.writeInteger(Int32(frame.count)) } + frame
        }
    }

    @Test func allAtOnce() throws {
        var buffer = ByteBuffer(Self.stream)
        let decoder = FrameDecoder()
        var frames: [[UInt8]] = []
        while let frame = try decoder.nextFrame(from: &buffer) { frames.append(frame.bytes) }
        #expect(frames == Self.frames)
        #expect(buffer.readableBytes == 0)
    }

    @Test func byteByByte() throws {
        var buffer = ByteBuffer()
        let decoder = FrameDecoder()
        var frames: [[UInt8]] = []
        for byte in Self.stream {
            buffer.writeInteger(byte)
            while let frame = try decoder.nextFrame(from: &buffer) { frames.append(frame.bytes) }
        }
        #expect(frames == Self.frames)
    }

    @Test func needsMoreBytes() throws {
        var buffer = ByteBuffer([0, 0, 0, 5, 1, 2])
        #expect(try FrameDecoder().nextFrame(from: &buffer) == nil)
        #expect(buffer.readerIndex == 0)
    }

    @Test func negativeLengthRejected() {
        var buffer = ByteBuffer([0xFF, 0xFF, 0xFF, 0xFE])
        #expect(throws: WireError.invalidLength(-2)) { try FrameDecoder().nextFrame(from: &buffer) }
    }

    @Test func hugeLengthRejectedBeforeTheBodyArrives() throws {
        // "GET " read as a size: an HTTP client on the Kafka port.
        var http = ByteBuffer(Array("GET / HTTP/1.1\r\n".utf8))
        #expect(throws: WireError.tooLarge(length: 1_195_725_856, limit: 104_857_600)) {
            try FrameDecoder().nextFrame(from: &http)
        }
        var justOver = ByteBuffer([0, 0, 0x04, 0x01])
        let small = FrameDecoder(configuration: .init(maxFrameBytes: 1024))
        #expect(throws: WireError.tooLarge(length: 1025, limit: 1024)) { try small.nextFrame(from: &justOver) }
        var atLimit = ByteBuffer([0, 0, 0x04, 0x00])
        #expect(try small.nextFrame(from: &atLimit) == nil)
    }

    @Test func writeFrameRoundTrips() throws {
        var buffer = ByteBuffer()
        FrameDecoder.writeFrame(ByteBuffer([7, 8]), into: &buffer)
        #expect(buffer.bytes == [0, 0, 0, 2, 7, 8])
        #expect(try FrameDecoder().nextFrame(from: &buffer)?.bytes == [7, 8])
    }
}

@Suite struct HeaderTests {
    @Test func requestHeaderVersions() throws {
        let header = RequestHeader(apiKey: .metadata, apiVersion: 5, correlationId: 0x0102_0304, clientId: "c")
        #expect(encoded { header.encode(into: &$0, headerVersion: 0) } == [0, 3, 0, 5, 1, 2, 3, 4])
        #expect(encoded { header.encode(into: &$0, headerVersion: 1) } == [0, 3, 0, 5, 1, 2, 3, 4, 0, 1, 0x63])
        // v2: the client id stays a classic int16 string, then an empty tagged-field section.
        #expect(encoded { header.encode(into: &$0, headerVersion: 2) } == [0, 3, 0, 5, 1, 2, 3, 4, 0, 1, 0x63, 0])
        let nullClient = RequestHeader(apiKey: .apiVersions, apiVersion: 3, correlationId: 1, clientId: nil)
        var buffer = ByteBuffer(encoded { nullClient.encode(into: &$0, headerVersion: 2) })
        #expect(buffer.bytes.suffix(3) == [0xFF, 0xFF, 0x00])
        #expect(try RequestHeader(from: &buffer) == nullClient)
        #expect(buffer.readableBytes == 0)
    }

    @Test func requestHeaderSkipsUnknownTags() throws {
        var buffer = ByteBuffer([0, 18, 0, 3, 0, 0, 0, 9, 0, 1, 0x78, 0x01, 0x09, 0x02, 0xAA, 0xBB, 0x55])
        let header = try RequestHeader(from: &buffer)
        #expect(header == RequestHeader(apiKey: .apiVersions, apiVersion: 3, correlationId: 9, clientId: "x"))
        #expect(buffer.bytes == [0x55])
    }

    @Test func unknownApiKeyIsReadAsHeaderV1() throws {
        var buffer = ByteBuffer([0x03, 0xE7, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF])
        let header = try RequestHeader(from: &buffer)
        #expect(header.apiKey == 999)
        #expect(header.knownApiKey == nil)
        #expect(throws: WireError.unknownApiKey(999)) { try KafkaMessageRegistry.requestType(for: header) }
    }

    @Test func responseHeaderVersions() throws {
        let header = ResponseHeader(correlationId: 7)
        #expect(encoded { header.encode(into: &$0, headerVersion: 0) } == [0, 0, 0, 7])
        #expect(encoded { header.encode(into: &$0, headerVersion: 1) } == [0, 0, 0, 7, 0])
        var buffer = ByteBuffer([0, 0, 0, 7, 0x01, 0x00, 0x01, 0xEE, 0x42])
        #expect(try ResponseHeader(from: &buffer, headerVersion: 1) == header)
        #expect(buffer.bytes == [0x42])
    }

    @Test(arguments: [
        (ApiKey.apiVersions, Int16(3), Int16(2), Int16(0)), (.apiVersions, 2, 1, 0), (.metadata, 8, 1, 0),
        (.metadata, 9, 2, 1), (.produce, 8, 1, 0), (.produce, 9, 2, 1), (.fetch, 12, 2, 1), (.createTopics, 5, 2, 1),
        (.controlledShutdown, 0, 0, 0),
    ])
    func headerVersionTable(api: ApiKey, version: Int16, request: Int16, response: Int16) {
        #expect(HeaderVersions.request(for: api, version: version) == request)
        #expect(HeaderVersions.response(for: api, version: version) == response)
    }

    @Test func flexibleVersionsFromTheSpecs() {
        #expect(ApiKey.apiVersions.firstFlexibleVersion == 3)
        #expect(ApiKey.produce.firstFlexibleVersion == 9)
        #expect(ApiKey.fetch.firstFlexibleVersion == 12)
        #expect(ApiKey.initProducerId.firstFlexibleVersion == 2)
        #expect(ApiKey.joinGroup.firstFlexibleVersion == 6)
        #expect(ApiKey(rawValue: 22) == .initProducerId)
    }
}
