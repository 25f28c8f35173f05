import Testing

@testable import Storage

/// RLE/bit-packing hybrid, DELTA_BINARY_PACKED and BYTE_STREAM_SPLIT against the spec's examples.
@Suite struct EncodingTests {
    @Test func bitPackedRunFromTheSpec() throws {
        // Encodings.md: 0…7 at bit width 3 pack to 10001000 11000110 11111010.
        var out: [UInt8] = []
        RLEHybridEncoder.encode(Array(0..<8), bitWidth: 3, into: &out)
        #expect(out == [0x03, 0x88, 0xC6, 0xFA])
        #expect(try RLEHybridDecoder.decode(out, bitWidth: 3, count: 8) == Array(0..<8))
    }

    @Test func rleRun() throws {
        var out: [UInt8] = []
        RLEHybridEncoder.encode([UInt32](repeating: 5, count: 100), bitWidth: 3, into: &out)
        #expect(out == [0xC8, 0x01, 0x05])
        #expect(try RLEHybridDecoder.decode(out, bitWidth: 3, count: 100) == [UInt32](repeating: 5, count: 100))
        // Two-byte values for widths 9…16.
        out = []
        RLEHybridEncoder.encode([UInt32](repeating: 0x1234, count: 8), bitWidth: 13, into: &out)
        #expect(out == [0x10, 0x34, 0x12])
    }

    @Test func hybridRoundTripsRandomData() throws {
        var rng = SplitMix64(seed: 42)
        for width in 1...32 {
            let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
            var values: [UInt32] = []
            for _ in 0..<3000 {
                let v = UInt32(rng.next() & mask)
                values += [UInt32](repeating: v, count: rng.next() % 4 == 0 ? Int(rng.next() % 20) : 1)
            }
            var out: [UInt8] = []
            RLEHybridEncoder.encode(values, bitWidth: width, into: &out)
            #expect(try RLEHybridDecoder.decode(out, bitWidth: width, count: values.count) == values, "width \(width)")
        }
    }

    @Test("long bit-packed runs (read eight bytes at a time) and their last values (read bit by bit), every width")
    func hybridBitPackedRuns() throws {
        var rng = SplitMix64(seed: 7)
        for width in 1...32 {
            let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
            for count in [1, 7, 8, 9, 63, 64, 65, 1000, 4099] {
                let values = (0..<count).map { _ in UInt32(rng.next() & mask) }
                var out: [UInt8] = []
                RLEHybridEncoder.encode(values, bitWidth: width, into: &out)
                #expect(try RLEHybridDecoder.decode(out, bitWidth: width, count: count) == values, "width \(width)")
            }
        }
    }

    @Test func hybridRejectsShortData() {
        #expect(throws: ParquetError.self) { try RLEHybridDecoder.decode([0x03, 0x88], bitWidth: 3, count: 8) }
        #expect(throws: ParquetError.self) { try RLEHybridDecoder.decode([0xC8, 0x01, 0x05], bitWidth: 3, count: 101) }
    }

    @Test func deltaBinaryPackedSpecExamples() throws {
        var out: [UInt8] = []
        DeltaBinaryPackedEncoder.encode([1, 2, 3, 4, 5] as [Int64], into: &out)
        #expect(out == [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0])
        #expect(try DeltaBinaryPackedDecoder.decode(out) == [1, 2, 3, 4, 5])

        out = []
        DeltaBinaryPackedEncoder.encode([7, 5, 3, 1, 2, 3, 4, 5] as [Int32], into: &out)
        // Deltas -2 -2 -2 1 1 1 1, min -2, relative 0 0 0 3 3 3 3 at width 2 (one 32-value miniblock of 8 bytes).
        let expected: [UInt8] =
            [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0, 0x3F] + [UInt8](repeating: 0, count: 6)
        #expect(out == expected)
        #expect(try DeltaBinaryPackedDecoder.decode(out) == [7, 5, 3, 1, 2, 3, 4, 5])
    }

    @Test func deltaBinaryPackedRoundTripsExtremes() throws {
        var rng = SplitMix64(seed: 7)
        var values: [Int64] = [.min, .max, 0, -1, .max, .min, 1]
        for _ in 0..<1000 { values.append(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)) }
        var out: [UInt8] = []
        DeltaBinaryPackedEncoder.encode(values, into: &out)
        #expect(try DeltaBinaryPackedDecoder.decode(out) == values)

        let ints: [Int32] = [.min, .max, 0, .min, -5] + (0..<500).map { _ in Int32(truncatingIfNeeded: rng.next()) }
        out = []
        DeltaBinaryPackedEncoder.encode(ints, into: &out)
        #expect(try DeltaBinaryPackedDecoder.decode(out).map { Int32(truncatingIfNeeded: $0) } == ints)
        #expect(throws: ParquetError.self) { try DeltaBinaryPackedDecoder.decode(out, maxCount: 10) }
        #expect(throws: ParquetError.self) { try DeltaBinaryPackedDecoder.decode(Array(out.prefix(out.count / 2))) }
    }

    @Test func byteStreamSplit() throws {
        var out: [UInt8] = []
        [Float(1.0), 2.0].withUnsafeBytes { ByteStreamSplit.encode($0, width: 4, into: &out) }
        #expect(out == [0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0x40])
        let joined = try out.withParquetBytes { (raw) throws(ParquetError) in
            try ByteStreamSplit.decode(raw, start: 0, end: raw.count, count: 2, width: 4)
        }
        #expect(joined == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40])
    }

    @Test func statisticsTruncation() {
        let long = [UInt8](repeating: 0x61, count: 70)
        let min = StatisticValue.bytes(long).encoded(isMin: true, limit: 64, isUTF8: true)
        #expect(min?.bytes == [UInt8](repeating: 0x61, count: 64))
        #expect(min?.exact == false)
        let max = StatisticValue.bytes(long).encoded(isMin: false, limit: 64, isUTF8: true)
        #expect(max?.bytes == [UInt8](repeating: 0x61, count: 63) + [0x62])
        // All 0xFF binary cannot be rounded up: the max is dropped.
        #expect(
            StatisticValue.bytes([UInt8](repeating: 0xFF, count: 70)).encoded(isMin: false, limit: 64, isUTF8: false)
                == nil)
        // UTF-8: "é" (C3 A9) straddling the cut is not split; the last character is incremented.
        let text = Array(String(repeating: "a", count: 63).utf8) + [0xC3, 0xA9, 0x61]
        #expect(StatisticValue.bytes(text).encoded(isMin: true, limit: 64, isUTF8: true)?.bytes.count == 63)
        #expect(
            StatisticValue.bytes(text).encoded(isMin: false, limit: 64, isUTF8: true)?.bytes == Array(
                String(repeating: "a", count: 62).utf8) + [0x62])
        // Zero floats: min -0.0, max +0.0.
        #expect(
            StatisticValue.double(0).encoded(isMin: true, limit: 64, isUTF8: false)?.bytes == [
                0, 0, 0, 0, 0, 0, 0, 0x80,
            ])
        #expect(
            StatisticValue.double(-0.0).encoded(isMin: false, limit: 64, isUTF8: false)?.bytes == [
                0, 0, 0, 0, 0, 0, 0, 0,
            ])
    }
}
