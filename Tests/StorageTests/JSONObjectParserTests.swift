import Testing

@testable import Storage

@Suite("JSON object parser")
struct JSONObjectParserTests {
    @Test("a transaction line parses into typed fields, in order")
    func transaction() throws {
        let line = """
            {"transaction_id": "9f1c", "amount": 12.5, "quantity": 3, "paid": true, "coupon": null, \
            "city": "F\\u00e8s \\ud83d\\ude00", "tags": ["a", {"b": [1, 2]}], "big": 12345678901234567890}
            """
        let fields = try JSONObjectParser.parse(line)
        #expect(fields.map(\.key) == ["transaction_id", "amount", "quantity", "paid", "coupon", "city", "tags", "big"])
        #expect(fields[0].value == .string("9f1c"))
        #expect(fields[1].value == .double(12.5))
        #expect(fields[2].value == .integer(3))
        #expect(fields[3].value == .bool(true))
        #expect(fields[4].value == .null)
        #expect(fields[5].value == .string("Fès 😀"))
        #expect(fields[6].value == .nested("[\"a\", {\"b\": [1, 2]}]"))
        #expect(fields[7].value == .double(12_345_678_901_234_567_890))
    }

    @Test(
        "escapes decode",
        arguments: [
            (#"{"s": "a\"b\\c\/d\n\t\r\b\f"}"#, "a\"b\\c/d\n\t\r\u{8}\u{c}"),
            (#"{"s": ""}"#, ""),
            (#"{"s": "東京"}"#, "東京"),
        ])
    func escapes(line: String, expected: String) throws {
        #expect(try JSONObjectParser.parse(line).first?.value == .string(expected))
    }

    @Test(
        "numbers parse by JSON's grammar",
        arguments: [
            ("-0", JSONValue.integer(0)), ("-12", .integer(-12)), ("1e3", .double(1000)), ("2.5E-1", .double(0.25)),
            ("9223372036854775807", .integer(Int64.max)), ("-9223372036854775808", .integer(Int64.min)),
        ])
    func numbers(text: String, expected: JSONValue) throws {
        #expect(try JSONObjectParser.parse("{\"n\": \(text)}").first?.value == expected)
    }

    @Test(
        "malformed lines are refused with a position",
        arguments: [
            "", "[]", "{", "{\"a\"}", "{\"a\": }", "{\"a\": 1,}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": tru}",
            "{\"a\": \"x}", "{\"a\": \"\\x\"}", "{\"a\": \"\\ud800\"}", "{\"a\": 1} trailing", "{a: 1}",
            "{\"a\": [1, 2}", "{\"a\": \"tab\there\"}", String(repeating: "{\"a\": [", count: 70),
        ])
    func malformed(line: String) {
        #expect(throws: JSONError.self) { _ = try JSONObjectParser.parse(line) }
    }

    @Test("a complete value nested deeper than 64 is refused for its depth; one nested 63 deep parses")
    func nestingLimit() throws {
        func nested(_ depth: Int) -> String {
            "{\"a\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        }
        let shallow = try JSONObjectParser.parse(nested(63))
        #expect(shallow.first?.key == "a")
        do {
            _ = try JSONObjectParser.parse(nested(100))
            Issue.record("a value nested 100 deep parsed")
        } catch {
            #expect(error.reason.contains("nesting deeper than 64"), "\(error)")
        }
    }
}
