import NIOCore
import Testing

@testable import Storage

/// The codecs under test, each with a label for parameterised tests.
struct CodecCase: CustomTestStringConvertible, Sendable {
    let codec: any Codec
    let label: String
    var testDescription: String { label }

    static let all: [CodecCase] = [
        .init(codec: ZstdCodec(), label: "zstd"),
        .init(codec: ZstdCodec(level: 19), label: "zstd level 19"),
        .init(codec: SnappyCodec(), label: "snappy raw"),
        .init(codec: SnappyCodec(framing: .xerial), label: "snappy xerial"),
        .init(codec: LZ4FrameCodec(), label: "lz4 frame"),
        .init(codec: LZ4RawCodec(), label: "lz4 raw"),
        .init(codec: GzipCodec(), label: "gzip"),
    ]
}

/// Inputs every codec must carry unchanged.
enum Inputs {
    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    static let transactionJSON: [UInt8] = {
        var text = ""
        var index = 0
        while text.utf8.count < 1 << 20 {
            text += "{\"transaction_id\": \"\(index)-4f1c\", \"user_id\": \"user_\(index % 997)\", "
            text += "\"amount\": \(Double(index % 9973) / 7), \"quantity\": \(index % 5 + 1)}\n"
            index += 1
        }
        return Array(text.utf8)
    }()

    static let all: [(String, [UInt8])] = [
        ("empty", []),
        ("one byte", [0x42]),
        ("incompressible 1 MiB", random(1 << 20, seed: 7)),
        ("repetitive 16 MiB", [UInt8](repeating: 0x61, count: 16 << 20)),
        ("transaction JSON 1 MiB", transactionJSON),
        ("short text", Array("hello, souk".utf8)),
    ]
}

@Suite("Codecs")
struct CodecTests {
    @Test("every codec round-trips every input", arguments: CodecCase.all)
    func roundTrip(codecCase: CodecCase) throws {
        for (name, input) in Inputs.all {
            let compressed = try codecCase.codec.compress(input)
            let restored = try codecCase.codec.decompress(compressed, maxOutputSize: max(input.count, 1))
            #expect(restored == input, "\(codecCase.label): \(name)")
        }
    }

    @Test("repetitive data really shrinks", arguments: CodecCase.all)
    func compresses(codecCase: CodecCase) throws {
        let input = Inputs.transactionJSON
        let compressed = try codecCase.codec.compress(input)
        #expect(compressed.count < input.count / 2, "\(codecCase.label): \(compressed.count) of \(input.count)")
    }

    @Test("output over the caller's limit is refused", arguments: CodecCase.all)
    func limit(codecCase: CodecCase) throws {
        let input = Inputs.transactionJSON
        let compressed = try codecCase.codec.compress(input)
        #expect(try codecCase.codec.decompress(compressed, maxOutputSize: input.count) == input)
        #expect(throws: CodecError.self) {
            _ = try codecCase.codec.decompress(compressed, maxOutputSize: input.count - 1)
        }
    }

    @Test("truncated input is a typed error", arguments: CodecCase.all)
    func truncated(codecCase: CodecCase) throws {
        let input = Inputs.transactionJSON
        let compressed = try codecCase.codec.compress(input)
        for keep in [0, 1, 5, compressed.count / 2, compressed.count - 1] {
            // A cut stream must never come back as the original data.
            do {
                let restored = try codecCase.codec.decompress(Array(compressed[..<keep]), maxOutputSize: input.count)
                Issue.record(
                    "\(codecCase.label): \(keep) of \(compressed.count) bytes decoded to \(restored.count) bytes")
            } catch {
                // Expected: a CodecError.
            }
        }
    }

    @Test("flipped bytes give a typed error or different bytes, never a crash", arguments: CodecCase.all)
    func flipped(codecCase: CodecCase) throws {
        let input = Array(Inputs.transactionJSON[..<65_536])
        let compressed = try codecCase.codec.compress(input)
        var state: UInt64 = 99
        for _ in 0..<200 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            var damaged = compressed
            let position = Int(state >> 33) % damaged.count
            damaged[position] ^= UInt8(truncatingIfNeeded: state >> 20) | 1
            if let restored = try? codecCase.codec.decompress(damaged, maxOutputSize: input.count) {
                #expect(restored.count <= input.count)
            }
        }
    }

    @Test("a failed decompression leaves the output buffer as it was")
    func failureKeepsOutput() throws {
        var output = ByteBufferAllocator().buffer(capacity: 16)
        output.writeString("kept")
        let compressed = try ZstdCodec().compress(Inputs.transactionJSON)
        let cut = Array(compressed[..<(compressed.count / 2)])
        #expect(throws: CodecError.truncated(codec: "zstd")) {
            try cut.withUnsafeBytes { try ZstdCodec().decompress($0, maxOutputSize: 1 << 21, appendingTo: &output) }
        }
        #expect(output.readString(length: output.readableBytes) == "kept")
    }

    @Test("concatenated gzip members decode whole")
    func gzipMembers() throws {
        let first = Array("first member\n".utf8)
        let second = Array("second member\n".utf8)
        let joined = try GzipCodec().compress(first) + GzipCodec().compress(second)
        #expect(try GzipCodec().decompress(joined, maxOutputSize: 100) == first + second)
        #expect(throws: CodecError.self) {
            _ = try GzipCodec().decompress(joined + [0x1F, 0x8B, 0x08], maxOutputSize: 100)
        }
    }

    @Test("concatenated zstd and lz4 frames decode whole")
    func concatenatedFrames() throws {
        let first = Array("alpha ".utf8)
        let second = Array("beta".utf8)
        for codec in [ZstdCodec() as any Codec, LZ4FrameCodec()] {
            let joined = try codec.compress(first) + codec.compress(second)
            #expect(try codec.decompress(joined, maxOutputSize: 100) == first + second, "\(codec.name)")
        }
    }

    @Test("snappy detects xerial framing and checks its chunks")
    func xerial() throws {
        let input = Array(Inputs.transactionJSON[..<100_000])
        let framed = try SnappyCodec(framing: .xerial).compress(input)
        #expect(Array(framed[..<8]) == [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00])
        #expect(Array(framed[8..<16]) == [0, 0, 0, 1, 0, 0, 0, 1])
        #expect(try SnappyCodec().decompress(framed, maxOutputSize: input.count) == input)
        var lying = framed
        lying[16] = 0x7F  // the first chunk now claims about 2 GB
        #expect(throws: CodecError.truncated(codec: "snappy")) {
            _ = try SnappyCodec().decompress(lying, maxOutputSize: input.count)
        }
        var negative = framed
        negative[16] = 0x80
        #expect(throws: CodecError.self) { _ = try SnappyCodec().decompress(negative, maxOutputSize: input.count) }
    }

    @Test("a lying length header cannot make a decoder allocate it")
    func lyingHeaders() throws {
        // Snappy: a varint claiming 1 GiB followed by a few bytes.
        let snappy: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x04, 0x00, 0x61]
        #expect(throws: CodecError.self) { _ = try SnappyCodec().decompress(snappy, maxOutputSize: 1 << 31) }
        // zstd: a frame header claiming 1 TiB of content, then nothing.
        var zstd = try ZstdCodec().compress(Array("x".utf8))
        zstd = Array(zstd[..<6])
        #expect(throws: CodecError.self) { _ = try ZstdCodec().decompress(zstd, maxOutputSize: 1 << 40) }
        // LZ4 raw: the caller's limit is capped by the block's possible expansion.
        #expect(throws: CodecError.self) { _ = try LZ4RawCodec().decompress([0xF0, 0x01], maxOutputSize: 1 << 40) }
    }

    @Test("garbage is not mistaken for a stream", arguments: CodecCase.all)
    func garbage(codecCase: CodecCase) {
        let garbage = Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        #expect(throws: CodecError.self) { _ = try codecCase.codec.decompress(garbage, maxOutputSize: 1 << 20) }
    }

    @Test("every named kind makes the codec of that name")
    func kinds() {
        for kind in CompressionKind.allCases {
            #expect(kind.makeCodec()?.name == (kind == .none ? nil : kind.rawValue))
        }
    }
}
