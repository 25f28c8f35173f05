import ArgumentParser
import Foundation
import Storage

/// `souk codec`: compress or decompress a file with one of Souk's codecs. Hidden from the help;
/// the interop tests use it to prove the codecs match other implementations byte for byte.
struct CodecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Compress or decompress a file with one of Souk's codecs.",
        shouldDisplay: false,
        subcommands: [Compress.self, Decompress.self]
    )

    /// The codecs a user may name; `none` is left out because there is nothing to run.
    enum Name: String, ExpressibleByArgument, CaseIterable {
        case gzip, snappy, lz4, zstd
        case lz4Raw = "lz4_raw"
    }

    enum Framing: String, ExpressibleByArgument, CaseIterable {
        case raw, xerial
    }

    struct Compress: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compress INPUT into OUTPUT.")
        @Option(help: "Codec: gzip, snappy, lz4, zstd or lz4_raw.") var codec: Name
        @Option(help: "Snappy framing: raw or xerial.") var framing: Framing = .raw
        @Option(help: "Compression level (zstd 1–22, gzip 1–9, lz4 0–12).") var level: Int32?
        @Argument(help: "The file to compress.") var input: String
        @Argument(help: "Where to write the compressed bytes.") var output: String

        func run() throws {
            let codec: any Codec =
                switch codec {
                case .gzip: GzipCodec(level: level ?? 6)
                case .snappy: SnappyCodec(framing: framing == .xerial ? .xerial : .raw)
                case .lz4: LZ4FrameCodec(level: level ?? 0)
                case .zstd: ZstdCodec(level: level ?? 3)
                case .lz4Raw: LZ4RawCodec()
                }
            let bytes = try readFile(input, command: "codec compress")
            do {
                try writeFile(output, codec.compress(bytes), command: "codec compress")
            } catch let error as CodecError {
                throw CommandFailure(command: "codec compress", message: error.description)
            }
        }
    }

    struct Decompress: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decompress INPUT into OUTPUT.")
        @Option(help: "Codec: gzip, snappy (raw or xerial, detected), lz4, zstd or lz4_raw.") var codec: Name
        @Option(help: "Largest output accepted, in bytes.") var maxSize: Int = 1 << 30
        @Argument(help: "The file to decompress.") var input: String
        @Argument(help: "Where to write the decompressed bytes.") var output: String

        func run() throws {
            guard let codec = CompressionKind(rawValue: codec.rawValue)?.makeCodec() else {
                throw CommandFailure(command: "codec decompress", message: "unknown codec")
            }
            let bytes = try readFile(input, command: "codec decompress")
            do {
                try writeFile(output, codec.decompress(bytes, maxOutputSize: maxSize), command: "codec decompress")
            } catch let error as CodecError {
                throw CommandFailure(command: "codec decompress", message: error.description)
            }
        }
    }
}

/// Reads a whole file, or fails with a one-line message naming it.
func readFile(_ path: String, command: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure(command: command, message: "cannot read \(path)")
    }
    return [UInt8](data)
}

/// Writes a whole file, or fails with a one-line message naming it.
func writeFile(_ path: String, _ bytes: [UInt8], command: String) throws {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    } catch {
        throw CommandFailure(command: command, message: "cannot write \(path): \(error.localizedDescription)")
    }
}
