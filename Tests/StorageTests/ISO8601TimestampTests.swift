import Testing

@testable import Storage

@Suite("ISO-8601 timestamps")
struct ISO8601TimestampTests {
    @Test(
        "what Python producers write parses to the right instant",
        arguments: [
            ("2026-11-24T21:30:07", Int64(1_795_555_807_000_000)),
            ("2026-11-24T21:30:07.5", 1_795_555_807_500_000),
            ("2026-11-24T21:30:07.123456", 1_795_555_807_123_456),
            ("2026-11-24T21:30:07.123456789", 1_795_555_807_123_456),
            ("2026-11-24 21:30:07", 1_795_555_807_000_000),
            ("2026-11-24T21:30:07Z", 1_795_555_807_000_000),
            ("2026-11-24T21:30:07.000001+00:00", 1_795_555_807_000_001),
            ("2026-11-24T23:30:07+02:00", 1_795_555_807_000_000),
            ("2026-11-24T16:00:07-0530", 1_795_555_807_000_000),
            ("2026-11-24T22:30:07+01", 1_795_555_807_000_000),
            ("2026-11-24T21:30", 1_795_555_800_000_000),
            ("1970-01-01T00:00:00", 0),
            ("1969-12-31T23:59:59.999999", -1),
            ("2000-02-29T12:00:00Z", 951_825_600_000_000),
        ])
    func parses(text: String, micros: Int64) {
        #expect(ISO8601Timestamp.parseMicros(text) == micros)
    }

    @Test(
        "malformed text is refused",
        arguments: [
            "", "2026-11-24", "2026-13-01T00:00:00", "2026-02-30T00:00:00", "2025-02-29T00:00:00",
            "2026-11-24T24:00:00", "2026-11-24T21:60:00", "2026-11-24T21:30:07.", "2026-11-24T21:30:07.1234567890",
            "2026-11-24T21:30:07+25:00", "2026-11-24T21:30:07 extra", "26-11-24T21:30:07", "2026/11/24T21:30:07",
            "yesterday",
        ])
    func refuses(text: String) {
        #expect(ISO8601Timestamp.parseMicros(text) == nil)
    }

    @Test("format and parse are inverse over a wide range of instants")
    func roundTrip() {
        var micros: Int64 = -62_135_596_800_000_000  // 0001-01-01
        while micros < 253_402_300_799_000_000 {  // 9999-12-31
            for suffix in [ISO8601Timestamp.Suffix.utcZ, .pythonNaive] {
                let text = ISO8601Timestamp.format(micros: micros, suffix: suffix)
                #expect(ISO8601Timestamp.parseMicros(text) == micros, "\(text)")
            }
            micros += 3_217_000_123_457_891
        }
        #expect(ISO8601Timestamp.format(micros: 1_795_555_807_000_000) == "2026-11-24T21:30:07.000000Z")
    }
}
