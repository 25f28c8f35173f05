import Engine
import Storage
import Testing

@Suite("JSON column decoder")
struct JSONColumnDecoderTests {
    static let transaction: [JSONColumnDecoder.Field] = [
        .init("transaction_id", .string), .init("user_id", .string), .init("city", .string),
        .init("category", .string), .init("amount", .double), .init("quantity", .int32),
        .init("payment_method", .string), .init("timestamp", .timestampMicros),
    ]

    static func strings(_ buffer: ParquetColumnBuffer) -> [String] {
        guard case .byteArray(let arrays) = buffer.values else { return [] }
        return (0..<arrays.count).map { arrays.string(at: $0) }
    }

    @Test("transactions decode into typed columns, fields in any order, unknown fields skipped")
    func transactions() throws {
        let input = """
            {"transaction_id": "a1", "user_id": "user_7", "city": "Fès", "category": "Books", "amount": 12.5, "quantity": 2, "payment_method": "paypal", "timestamp": "2026-11-24T21:30:07"}
            {"timestamp": 1795555807123, "quantity": 1, "amount": 999.99, "extra": {"nested": [1, {"x": "y"}]}, "payment_method": "card", "category": "Toys", "city": "東京", "user_id": "u", "transaction_id": "b2"}

            {"transaction_id": "c3", "user_id": "u", "city": "Rabat", "category": "Home & Kitchen", "amount": -0.01, "quantity": 5, "payment_method": "cash", "timestamp": "2026-11-24T21:30:07.5+01:00"}
            """
        let batch = JSONColumnDecoder(fields: Self.transaction).decode(input)
        #expect(batch.malformed.isEmpty)
        #expect(batch.rowCount == 3)
        #expect(Self.strings(batch.columns[0]) == ["a1", "b2", "c3"])
        #expect(Self.strings(batch.columns[2]) == ["Fès", "東京", "Rabat"])
        #expect(batch.columns[4].values == .double([12.5, 999.99, -0.01]))
        #expect(batch.columns[5].values == .int32([2, 1, 5]))
        #expect(
            batch.columns[7].values == .int64([1_795_555_807_000_000, 1_795_555_807_123_000, 1_795_552_207_500_000]))
        #expect(batch.columns.allSatisfy { $0.validity == nil })
    }

    @Test(
        "numbers parse exactly as Swift's own parser does",
        arguments: [
            "0", "-0", "1", "12.5", "999.99", "0.1", "1e3", "2.5E-3", "123456789.123456789", "1.7976931348623157e308",
            "5e-324", "12345678901234567890", "-9.999999999999999e22", "0.30000000000000004",
        ])
    func doubles(text: String) {
        let batch = JSONColumnDecoder(fields: [.init("x", .double)]).decode("{\"x\": \(text)}")
        #expect(batch.columns[0].values == .double([Double(text) ?? .nan]), "\(text)")
    }

    @Test("lines that do not fit the schema are reported by index and leave no partial row")
    func malformed() {
        let input = [
            #"{"a": "ok", "n": 1}"#,
            #"{"a": "missing n"}"#,
            #"{"a": 5, "n": 1}"#,
            #"{"a": "x", "n": 1.5}"#,
            #"{"a": "x", "n": 99999999999}"#,
            #"{"a": "x", "n": 1} trailing"#,
            #"{"a": "x", "n": 1, "a": "twice"}"#,
            #"not json"#,
            #"{"a": "esc\"aped", "n": 2}"#,
            #"{"a": "x", "n": 01}"#,
        ].joined(separator: "\n")
        let decoder = JSONColumnDecoder(fields: [.init("a", .string), .init("n", .int32)])
        let batch = decoder.decode(input)
        #expect(batch.malformed.map(\.line) == [1, 2, 3, 4, 5, 6, 7, 9])
        #expect(batch.rowCount == 2)
        #expect(Self.strings(batch.columns[0]) == ["ok", "esc\"aped"])
        #expect(batch.columns[1].values == .int32([1, 2]))
        #expect(batch.malformed[0].reason.contains("missing field 'n'"))
    }

    @Test("optional fields become nulls with a validity mask")
    func optional() {
        let decoder = JSONColumnDecoder(fields: [.init("id", .int64), .init("note", .string, required: false)])
        let batch = decoder.decode("{\"id\": 1, \"note\": \"a\"}\n{\"id\": 2}\n{\"id\": 3, \"note\": null}\n")
        #expect(batch.rowCount == 3)
        #expect(batch.columns[1].validity == [true, false, false])
        #expect(Self.strings(batch.columns[1]) == ["a"])
        #expect(batch.columns[0].values == .int64([1, 2, 3]))
    }

    @Test("an optional field gets a validity mask only once a row lacks it, covering the rows before")
    func validityFromTheFirstNull() {
        let decoder = JSONColumnDecoder(fields: [
            .init("always", .int64, required: false), .init("late", .int64, required: false),
            .init("early", .int64, required: false),
        ])
        let batch = decoder.decode(
            "{\"always\": 1, \"late\": 1}\n{\"always\": 2, \"late\": 2, \"early\": 2}\n{\"always\": 3, \"early\": 3}\n")
        #expect(batch.rowCount == 3)
        #expect(batch.columns[0].validity == nil)
        #expect(batch.columns[1].validity == [true, true, false])
        #expect(batch.columns[2].validity == [false, true, true])
        #expect(batch.columns[1].values == .int64([1, 2]))
        #expect(batch.columns[2].values == .int64([2, 3]))
    }

    @Test("a text field takes any value: strings as themselves, anything else as its JSON text, escapes too")
    func textFields() {
        let decoder = JSONColumnDecoder(fields: [.init("v", .text, required: false)])
        let input = [
            #"{"v": "plain"}"#, #"{"v": 12.50}"#, #"{"v": true}"#, #"{"v": {"k": [1, "x"]}}"#, #"{"v": null}"#,
            #"{"v": "esc\"aped"}"#, #"{"v": -3}"#,
        ].joined(separator: "\n")
        let batch = decoder.decode(input)
        #expect(batch.malformed.isEmpty)
        #expect(batch.rowCount == 7 && batch.lineCount == 7)
        #expect(Self.strings(batch.columns[0]) == ["plain", "12.50", "true", #"{"k": [1, "x"]}"#, "esc\"aped", "-3"])
        #expect(batch.columns[0].validity == [true, true, true, true, false, true, true])
    }

    @Test("a schema inferred from a sample refuses fields it never saw and timestamps given as numbers")
    func strictForInferredSchemas() {
        var decoder = JSONColumnDecoder(fields: [.init("a", .int64), .init("t", .timestampMicros, required: false)])
        let input =
            "{\"a\": 1, \"t\": \"2026-01-02T03:04:05\"}\n\n{\"a\": 2, \"new\": 0}\n{\"a\": 3, \"t\": 1700000000000}"
        #expect(decoder.decode(input).malformed.isEmpty, "by default unknown fields are skipped, numbers are millis")
        decoder.refusesUnknownFields = true
        decoder.timestampsFromTextOnly = true
        let batch = decoder.decode(input)
        #expect(batch.malformed.map(\.line) == [2, 3])
        #expect(batch.malformed[0].reason.contains("unknown field 'new'"))
        #expect(batch.malformed[1].reason.contains("ISO-8601"))
        #expect(batch.rowCount == 1 && batch.lineCount == 4)
        // The general parser (lines with escapes) follows the same rules.
        #expect(decoder.decode(#"{"a": 1, "n\u0065w": 0}"#).malformed.first?.reason.contains("unknown field") == true)
    }

    @Test("the fast path agrees with the general JSON parser over generated transactions")
    func agreesWithGeneralParser() throws {
        var lines: [String] = []
        var state: UInt64 = 17
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 17
        }
        for index in 0..<2_000 {
            let amount = Double(next() % 100_000) / 100
            lines.append(
                "{\"transaction_id\": \"id-\(index)\", \"user_id\": \"user_\(next() % 1000)\", \"city\": \"c\(next() % 9)\", "
                    + "\"category\": \"k\", \"amount\": \(amount), \"quantity\": \(next() % 5 + 1), "
                    + "\"payment_method\": \"p\", \"timestamp\": \"2026-11-24T12:\(10 + index % 50):0\(index % 10).\(index)\"}"
            )
        }
        let batch = JSONColumnDecoder(fields: Self.transaction).decode(lines.joined(separator: "\n"))
        #expect(batch.malformed.isEmpty)
        guard case .double(let amounts) = batch.columns[4].values,
            case .int64(let stamps) = batch.columns[7].values
        else {
            Issue.record("wrong column types")
            return
        }
        for (index, line) in lines.enumerated() {
            let fields = try JSONObjectParser.parse(line)
            let values = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            if case .double(let amount) = values["amount"] { #expect(amounts[index] == amount) }
            if case .integer(let amount) = values["amount"] { #expect(amounts[index] == Double(amount)) }
            if case .string(let text) = values["timestamp"] {
                #expect(stamps[index] == ISO8601Timestamp.parseMicros(text))
            }
        }
    }

    @Test(
        "an unknown field nested deeper than 64 makes its line malformed for its depth; one nested 60 deep is skipped")
    func nestingLimit() {
        func line(_ id: String, depth: Int) -> String {
            let extra = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            return """
                {"transaction_id": "\(id)", "user_id": "u", "city": "Rabat", "category": "Books", "amount": 1.5, \
                "quantity": 1, "payment_method": "card", "timestamp": 1795555807123, "extra": \(extra)}
                """
        }
        let batch = JSONColumnDecoder(fields: Self.transaction).decode(
            [line("shallow", depth: 60), line("deep", depth: 100)].joined(separator: "\n"))
        #expect(batch.rowCount == 1)
        #expect(Self.strings(batch.columns[0]) == ["shallow"])
        #expect(batch.malformed.map(\.line) == [1])
        #expect(batch.malformed.first?.reason.contains("nesting deeper than 64") == true, "\(batch.malformed)")
    }
}
