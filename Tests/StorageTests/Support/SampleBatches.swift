import Storage

/// Generated e-commerce-like batches covering every writable physical and logical type.
enum SampleBatches {
    static let schema = ParquetSchema([
        .int64("id", .required),
        .string("name"),
        .int32("qty"),
        .double("price"),
        .float("ratio"),
        .boolean("flag"),
        .timestamp("ts", unit: .micros, isAdjustedToUTC: true),
        .timestamp("local_ts", unit: .millis, isAdjustedToUTC: false),
        .date("day"),
        .decimal("amount32", precision: 9, scale: 2),
        .decimal("amount64", precision: 18, scale: 4),
        .decimal("amount_fixed", precision: 20, scale: 3),
        .uuid("uid"),
        .integer("u8", bitWidth: 8, isSigned: false),
        .integer("u32", bitWidth: 32, isSigned: false),
        .integer("u64", bitWidth: 64, isSigned: false),
        .integer("i16", bitWidth: 16, isSigned: true),
        .binary("blob"),
    ])

    /// A deterministic batch of `rows` rows starting at `start`; every third optional value is null.
    static func batch(rows: Int, start: Int = 0) -> [ParquetColumnBuffer] {
        var rng = SplitMix64(seed: UInt64(start) &+ 7)
        let validity = (0..<rows).map { ($0 + start) % 3 != 1 }
        let present = validity.filter { $0 }.count
        func strings() -> ParquetByteArrays {
            var a = ParquetByteArrays()
            let words = ["", "héllo", "日本語", "a", "zz", "product-\(start)", "Ωmega", "x"]
            for i in 0..<present { a.append(words[Int(rng.next() % UInt64(words.count))] + (i % 5 == 0 ? "\(i)" : "")) }
            return a
        }
        func fixed(_ width: Int) -> ParquetByteArrays {
            var a = ParquetByteArrays()
            for _ in 0..<present { a.append((0..<width).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
            return a
        }
        let extremes64: [Int64] = [.min, .max, 0, -1, 1]
        return [
            ParquetColumnBuffer(.int64((0..<rows).map { Int64($0 + start) })),
            ParquetColumnBuffer(.byteArray(strings()), validity: validity),
            ParquetColumnBuffer(
                .int32(
                    (0..<present).map { i in
                        i % 7 == 0 ? (i % 2 == 0 ? .min : .max) : Int32(truncatingIfNeeded: rng.next() % 1000)
                    }), validity: validity),
            ParquetColumnBuffer(
                .double((0..<present).map { i in i % 11 == 0 ? .nan : Double(i) * 0.25 - 3 }), validity: validity),
            ParquetColumnBuffer(
                .float((0..<present).map { i in i % 13 == 0 ? -0.0 : Float(i) / 3 }), validity: validity),
            ParquetColumnBuffer(.boolean((0..<present).map { $0 % 3 == 0 }), validity: validity),
            ParquetColumnBuffer(
                .int64((0..<present).map { 1_700_000_000_000_000 + Int64($0) * 1_000_003 }), validity: validity),
            ParquetColumnBuffer(.int64((0..<present).map { 1_700_000_000_000 + Int64($0) }), validity: validity),
            ParquetColumnBuffer(.int32((0..<present).map { 19_000 + Int32($0 % 400) }), validity: validity),
            ParquetColumnBuffer(.int32((0..<present).map { Int32($0 % 100_000) - 50_000 }), validity: validity),
            ParquetColumnBuffer(.int64((0..<present).map { Int64($0) * 10_007 - 1_000_000 }), validity: validity),
            ParquetColumnBuffer(.fixedLenByteArray(decimals(present, &rng)), validity: validity),
            ParquetColumnBuffer(.fixedLenByteArray(fixed(16)), validity: validity),
            ParquetColumnBuffer(.int32((0..<present).map { Int32($0 % 256) }), validity: validity),
            ParquetColumnBuffer(.int32((0..<present).map { $0 % 4 == 0 ? -1 : Int32($0) }), validity: validity),
            ParquetColumnBuffer(
                .int64((0..<present).map { $0 % 4 == 0 ? -1 : extremes64[$0 % 5] }), validity: validity),
            ParquetColumnBuffer(.int32((0..<present).map { Int32($0 % 65_536) - 32_768 }), validity: validity),
            ParquetColumnBuffer(
                .byteArray(
                    ParquetByteArrays(values: (0..<present).map { i in (0..<(i % 4)).map { UInt8($0 * 100 + i % 50) } })
                ), validity: validity),
        ]
    }

    /// 9-byte big-endian two's complement decimals (precision 20), small positive and negative.
    static func decimals(_ count: Int, _ rng: inout SplitMix64) -> ParquetByteArrays {
        var a = ParquetByteArrays()
        for _ in 0..<count {
            let v = Int64(bitPattern: rng.next()) >> 8
            var bytes = [UInt8](repeating: v < 0 ? 0xFF : 0, count: 9)
            for k in 0..<8 { bytes[8 - k] = UInt8(truncatingIfNeeded: v >> (8 * Int64(k))) }
            a.append(bytes)
        }
        return a
    }
}

/// Deterministic random numbers for tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
