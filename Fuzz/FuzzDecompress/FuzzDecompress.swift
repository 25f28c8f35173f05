import NIOCore
import Storage

/// libFuzzer target: every decompressor Souk uses (Kafka batches, Parquet pages), the first byte
/// choosing the codec, with a 1 MiB output limit. Oracle: nothing traps, no output exceeds the limit,
/// and what decompresses compresses and decompresses back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecompress(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let kinds = CompressionKind.allCases
    guard let codec = kinds[Int(data[0]) % kinds.count].makeCodec() else { return 0 }
    let input = ByteBuffer(bytes: UnsafeBufferPointer(start: data + 1, count: size - 1))
    let limit = 1 << 20
    guard let output = try? codec.decompress(input, maxOutputSize: limit) else { return 0 }
    guard output.readableBytes <= limit else {
        fatalError("\(codec.name): \(output.readableBytes) bytes out, over the \(limit) limit")
    }
    guard let compressed = try? codec.compress(output) else {
        fatalError("\(codec.name): cannot compress what it decompressed")
    }
    guard let back = try? codec.decompress(compressed, maxOutputSize: limit), back == output else {
        fatalError("\(codec.name): compress → decompress does not give the same bytes")
    }
    return 0
}
