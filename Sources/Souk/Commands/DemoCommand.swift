import ArgumentParser
import Foundation
import NIOCore
import Storage

/// `souk demo`: runs the whole pipeline on embedded defaults. Until every part exists it runs
/// the parts that do and says plainly which are not built yet.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the whole pipeline on embedded defaults (what is built so far).")

    @Option(help: "How many synthetic transactions the codec check compresses.") var transactions = 20_000

    func run() throws {
        guard transactions > 0 else {
            throw CommandFailure(command: "demo", message: "--transactions must be positive")
        }
        var generator = TransactionGenerator(seed: 42)
        let start = Int64(Date().timeIntervalSince1970 * 1_000_000)
        var payload = ByteBufferAllocator().buffer(capacity: transactions * 260)
        for index in 0..<transactions {
            payload.writeString(generator.next(timestampMicros: start + Int64(index) * 1_000).json)
            payload.writeString("\n")
        }
        print("Souk \(SoukVersion.current) demo")
        print("Built: compression codecs and CRC-32C (\(CRC32C.usesHardware ? "CPU instructions" : "table fallback")).")
        print("Codec check on \(transactions) generated transactions (\(payload.readableBytes) bytes of JSON lines):")
        for kind in CompressionKind.allCases {
            guard let codec = kind.makeCodec() else { continue }
            let clock = ContinuousClock()
            let began = clock.now
            let compressed = try checked { () throws(CodecError) in try codec.compress(payload) }
            let restored = try checked { () throws(CodecError) in
                try codec.decompress(compressed, maxOutputSize: payload.readableBytes)
            }
            let elapsed = clock.now - began
            guard restored == payload else {
                throw CommandFailure(command: "demo", message: "\(kind.rawValue) round trip changed the data")
            }
            let share = Double(compressed.readableBytes) / Double(payload.readableBytes) * 100
            print(
                "  \(kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                    + "\(compressed.readableBytes) bytes (\(String(format: "%.1f", share))% of the input), "
                    + "round trip identical in \(elapsed.formatted(.units(allowed: [.milliseconds])))")
        }
        let crc = CRC32C.checksum(payload)
        print("  crc32c   \(String(crc, radix: 16)) over the whole payload")
        print("")
        print("Also built: the Parquet writer and reader (`souk convert`, `souk inspect`).")
        print("Not built yet: the Kafka-compatible broker (issue #3), the stream engine (#5) and the dashboard")
        print("(after #5). No dashboard URL yet.")
    }

    private func checked<T>(_ body: () throws(CodecError) -> T) throws -> T {
        do { return try body() } catch { throw CommandFailure(command: "demo", message: error.description) }
    }
}
