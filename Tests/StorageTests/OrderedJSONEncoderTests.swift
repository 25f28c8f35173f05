import Foundation
import Storage
import Testing

@Suite("Ordered JSON encoder")
struct OrderedJSONEncoderTests {
    struct Inner: Encodable {
        var zeta = "last\"\n\u{01}é"
        var alpha: Int64? = nil
    }

    struct Outer: Encodable {
        var name = "first"
        var ratio = 0.25
        var whole = 50.0
        var huge = 1e20
        var broken = Double.nan
        var flag = true
        var list: [Inner] = [Inner(), Inner(zeta: "b", alpha: 7)]
        var empty: [Int] = []
    }

    @Test("keys come out in the order the type encoded them, values as JSON numbers, strings escaped")
    func order() throws {
        let text = try OrderedJSONEncoder().encode(Outer())
        #expect(
            text
                == #"{"name":"first","ratio":0.25,"whole":50.0,"huge":1e+20,"broken":null,"flag":true,"#
                + #""list":[{"zeta":"last\"\n\u0001é"},{"zeta":"b","alpha":7}],"empty":[]}"#)
        // Foundation reads it back.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["ratio"] as? Double == 0.25)
    }

    @Test("an optional encoded with encode(_:forKey:) writes null")
    func explicitNull() throws {
        struct Value: Encodable {
            var time: String?
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONCodingKeys.self)
                try container.encode(time, forKey: .time)
            }
            enum JSONCodingKeys: String, CodingKey { case time }
        }
        #expect(try OrderedJSONEncoder().encode(Value(time: nil)) == #"{"time":null}"#)
        #expect(try OrderedJSONEncoder().encode(["a", "b"]) == #"["a","b"]"#)
    }
}
