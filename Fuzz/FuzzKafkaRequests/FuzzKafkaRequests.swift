import Kafka
import NIOCore

/// libFuzzer target: bytes as a broker reads them from a socket. Frames are cut by the frame decoder
/// (1 MiB limit), each header decoded, and each body by the request decoder its api key and version
/// name. Oracle: nothing traps, and a body that decodes encodes to bytes that decode to the same
/// request (decode → encode → decode is stable).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKafkaRequests(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var stream = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    let frames = FrameDecoder(configuration: .init(maxFrameBytes: 1 << 20))
    while let frame = try? frames.nextFrame(from: &stream) {
        var body = frame
        guard let header = try? RequestHeader(from: &body),
            let type = try? KafkaMessageRegistry.requestType(for: header)
        else { continue }
        roundTrip(type, body, version: header.apiVersion)
    }
    return 0
}

func roundTrip<Request: KafkaRequest>(_ type: Request.Type, _ body: ByteBuffer, version: Int16) {
    guard let first = try? Request(decodingWhole: body, version: version) else { return }
    let encoded = first.encoded(version: version)
    guard let second = try? Request(decodingWhole: encoded, version: version) else {
        fatalError("\(Request.self) v\(version): re-encoded request does not decode: \(first)")
    }
    guard first == second else {
        fatalError("\(Request.self) v\(version): decode → encode → decode changed it:\n\(first)\n\(second)")
    }
    guard second.encoded(version: version) == encoded else {
        fatalError("\(Request.self) v\(version): encoding is not stable")
    }
}
