import NIOCore
import Testing

@testable import Storage

@Suite("CRC-32C")
struct CRC32CTests {
    /// RFC 3720 (iSCSI), appendix B.4: CRC-32C examples.
    static let vectors: [(name: String, bytes: [UInt8], crc: UInt32)] = [
        ("32 bytes of zeros", [UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ("32 bytes of ones", [UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ("32 incrementing bytes", (0..<32).map { UInt8($0) }, 0x46DD_794E),
        ("32 decrementing bytes", (0..<32).map { UInt8(31 - $0) }, 0x113F_DB5C),
        (
            "an iSCSI read command PDU",
            [
                0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
                0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ], 0xD996_3A56
        ),
        ("the check string 123456789", Array("123456789".utf8), 0xE306_9283),
        ("nothing", [], 0),
    ]

    @Test("RFC 3720 vectors, hardware path", arguments: vectors)
    func hardwareVectors(vector: (name: String, bytes: [UInt8], crc: UInt32)) {
        #expect(CRC32C.checksum(vector.bytes) == vector.crc, "\(vector.name)")
    }

    @Test("RFC 3720 vectors, table path", arguments: vectors)
    func tableVectors(vector: (name: String, bytes: [UInt8], crc: UInt32)) {
        let crc = vector.bytes.withUnsafeBytes { CRC32CTable.checksum($0) }
        #expect(crc == vector.crc, "\(vector.name)")
    }

    @Test("hardware and table paths agree on every length and alignment up to the interleaved sizes")
    func pathsAgree() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = Array(0..<300) + [767, 768, 769, 1000, 4096, 24_575, 24_576, 24_577, 50_000, 69_990]
        data.withUnsafeBytes { all in
            for length in lengths {
                for offset in 0..<3 {
                    let slice = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    #expect(CRC32C.checksum(slice) == CRC32CTable.checksum(slice), "length \(length) offset \(offset)")
                }
            }
        }
    }

    @Test("continuing a checksum over pieces equals the checksum of the whole")
    func continuation() {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC32C.checksum(bytes)
        for cut in [0, 1, 13, 4096, 24_576, 99_999, 100_000] {
            let first = CRC32C.checksum(bytes[..<cut])
            #expect(CRC32C.checksum(bytes[cut...], continuing: first) == whole, "cut at \(cut)")
        }
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        #expect(CRC32C.checksum(buffer) == whole)
    }
}
