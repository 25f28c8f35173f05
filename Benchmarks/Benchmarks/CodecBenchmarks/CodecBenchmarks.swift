import Benchmark
import CodecBaseline
import NIOCore
import Storage

/// 1 MiB of JSON lines shaped like the e-commerce transactions Souk carries.
let payload: [UInt8] = {
    var text = ""
    var state: UInt64 = 2024
    let cities = ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir"]
    let categories = ["Electronics", "Clothing", "Home & Kitchen", "Books", "Sports", "Beauty"]
    while text.utf8.count < 1 << 20 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let value = state >> 20
        text += "{\"transaction_id\": \"\(String(state, radix: 16))\", \"user_id\": \"user_\(value % 1000)\", "
        text += "\"city\": \"\(cities[Int(value % 6)])\", \"category\": \"\(categories[Int(value / 7 % 6)])\", "
        text += "\"amount\": \(value % 100_000 / 100).\(value % 100), \"quantity\": \(value % 5 + 1), "
        text +=
            "\"payment_method\": \"card\", \"timestamp\": \"2026-11-24T21:\(value % 60):00.\(value % 1_000_000)\"}\n"
    }
    return Array(text.utf8.prefix(1 << 20))
}()

/// A baseline call into a C library: (destination, capacity, source, size) → bytes written.
typealias BaselineCall = (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(2),
        maxIterations: 2_000)

    let codecs: [(any Codec, compress: BaselineCall, decompress: BaselineCall)] = [
        (
            ZstdCodec(level: 3), { baseline_zstd_compress($0, $1, $2, $3, 3) },
            { baseline_zstd_decompress($0, $1, $2, $3) }
        ),
        (SnappyCodec(), { baseline_snappy_compress($0, $1, $2, $3) }, { baseline_snappy_decompress($0, $1, $2, $3) }),
        (LZ4FrameCodec(), { baseline_lz4_compress($0, $1, $2, $3) }, { baseline_lz4_decompress($0, $1, $2, $3) }),
        (
            GzipCodec(level: 6), { baseline_gzip_compress($0, $1, $2, $3, 6) },
            { baseline_gzip_decompress($0, $1, $2, $3) }
        ),
    ]

    for (codec, baselineCompress, baselineDecompress) in codecs {
        let compressed = (try? codec.compress(payload)) ?? []
        precondition(compressed.count > 0, "\(codec.name) failed on the benchmark payload")

        Benchmark("\(codec.name) compress 1 MiB") { benchmark in
            var output = ByteBufferAllocator().buffer(capacity: 2 << 20)
            for _ in benchmark.scaledIterations {
                output.clear()
                try payload.withUnsafeBytes { try codec.compress($0, appendingTo: &output) }
                blackHole(output.readableBytes)
            }
        }
        Benchmark("\(codec.name) compress 1 MiB (C library directly)") { benchmark in
            var output = [UInt8](repeating: 0, count: 2 << 20)
            for _ in benchmark.scaledIterations {
                let written = payload.withUnsafeBytes { source in
                    output.withUnsafeMutableBytes {
                        baselineCompress($0.baseAddress, $0.count, source.baseAddress, source.count)
                    }
                }
                blackHole(written)
            }
        }
        Benchmark("\(codec.name) decompress 1 MiB") { benchmark in
            var output = ByteBufferAllocator().buffer(capacity: 2 << 20)
            for _ in benchmark.scaledIterations {
                output.clear()
                try compressed.withUnsafeBytes {
                    try codec.decompress($0, maxOutputSize: 1 << 20, appendingTo: &output)
                }
                blackHole(output.readableBytes)
            }
        }
        Benchmark("\(codec.name) decompress 1 MiB (C library directly)") { benchmark in
            var output = [UInt8](repeating: 0, count: 2 << 20)
            for _ in benchmark.scaledIterations {
                let written = compressed.withUnsafeBytes { source in
                    output.withUnsafeMutableBytes {
                        baselineDecompress($0.baseAddress, 1 << 20, source.baseAddress, source.count)
                    }
                }
                blackHole(written)
            }
        }
    }

    Benchmark("crc32c 1 MiB") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(payload.withUnsafeBytes { CRC32C.checksum($0) })
        }
    }
    Benchmark("crc32c 1 MiB (table fallback)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(payload.withUnsafeBytes { CRC32CTable.checksum($0) })
        }
    }
}
