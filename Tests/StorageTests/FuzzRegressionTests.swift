import Testing

@testable import Storage

/// Inputs libFuzzer found (`make fuzz`), each kept as the smallest case that failed before its fix.
@Suite("Found by fuzzing")
struct FuzzRegressionTests {
    @Test("FuzzParquet: a logical type this reader does not know survives encode → decode (it was written empty)")
    func unrecognizedLogicalType() throws {
        for fieldID: Int16 in [16, 17, 200] {
            var writer = ThriftCompactWriter()
            LogicalType.unrecognized(fieldID: fieldID).write(to: &writer)
            var reader = ThriftCompactReader(writer.bytes)
            #expect(try LogicalType.read(from: &reader) == .unrecognized(fieldID: fieldID))
        }
    }
}

extension FuzzRegressionTests {
    @Test("FuzzParquet: a PLAIN byte array longer than the page has room for, with the later prefixes, is refused")
    func plainByteArrayTakingTheRoomOfLaterPrefixes() throws {
        // Three values declared in 18 bytes: at most 18 - 3 × 4 = 6 bytes of values. The first claims 10,
        // which fits before the page's end but not beside the two prefixes still to come; it used to be
        // copied past the end of the output (heap corruption, a crash later), the error coming only at
        // the third value.
        let page: [UInt8] = [10, 0, 0, 0] + Array(repeating: 0x61, count: 10) + [0, 0, 0, 0]
        var output = ParquetByteArrays()
        let error = #expect(throws: ParquetError.self) {
            _ = try page.withUnsafeBytes { bytes throws(ParquetError) in
                try PlainDecoder.decodeByteArrays(bytes, start: 0, end: bytes.count, count: 3, into: &output)
            }
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("of 10 bytes runs past the page"))
        #expect(output.count == 0 && output.bytes.isEmpty)
    }
}
