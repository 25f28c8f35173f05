import Engine
import Storage
import Testing

@testable import Commerce

@Suite("The analyze report")
struct AnalyticsReportTests {
    /// 2026-12-02T12:00:00Z.
    static let noon: Int64 = 1_796_212_800_000_000
    static let hour: Int64 = 3_600_000_000

    @Test(
        "--from/--to take a date, an hour, minutes, seconds and fractions, with or without a zone (none means UTC)",
        arguments: [
            ("2026-12-02", noon - 12 * hour),
            ("2026-12-02T12", noon),
            ("2026-12-02T12Z", noon),
            ("2026-12-02T13+01:00", noon),
            ("2026-12-02 12:30", noon + hour / 2),
            ("2026-12-02T12:00:00.25Z", noon + 250_000),
            ("2026-12-02T14:00:00+02:00", noon),
            (" 2026-12-02T12:00 ", noon),
        ])
    func parsesTimes(text: String, micros: Int64) {
        #expect(ReportRange.parseTime(text) == micros)
    }

    @Test(
        "bad times are refused",
        arguments: ["", "yesterday", "2026-13-01", "2026-12-02T25", "2026-12-02T12:61", "12:00"])
    func refusesTimes(text: String) {
        #expect(ReportRange.parseTime(text) == nil)
    }

    @Test("a range includes its start and excludes its end; hours overlap it when they share an instant")
    func range() {
        let range = ReportRange(fromMicros: Self.noon, toMicros: Self.noon + Self.hour)
        #expect(range.contains(Self.noon) && !range.contains(Self.noon + Self.hour) && !range.contains(Self.noon - 1))
        #expect(range.overlaps(start: Self.noon - Self.hour + 1, length: Self.hour))
        #expect(!range.overlaps(start: Self.noon - Self.hour, length: Self.hour))
        #expect(!range.overlaps(start: Self.noon + Self.hour, length: Self.hour))
        #expect(ReportRange().overlaps(start: Int64.max - 1, length: Self.hour), "no overflow at the end of time")
        #expect(ReportRange(fromMicros: 5, toMicros: 5).isEmpty)
    }

    @Test("hour directories name their first instant; others name none")
    func hourDirectories() {
        #expect(DataDirectory.hourStart(date: "2026-12-02", hour: "12") == Self.noon)
        #expect(DataDirectory.hourStart(date: "2026-12-02", hour: "__HIVE_DEFAULT_PARTITION__") == nil)
        #expect(DataDirectory.hourStart(date: "2026-02-30", hour: "01") == nil)
        #expect(DataDirectory.hourStart(date: "2026-12-02", hour: "24") == nil)
    }

    @Test("numbers for people: thousands separators, euros with cents, percent, control characters shown as �")
    func numberText() {
        #expect(ReportNumberText.grouped(0) == "0")
        #expect(ReportNumberText.grouped(1_234_567) == "1,234,567")
        #expect(ReportNumberText.grouped(-1_000) == "-1,000")
        #expect(ReportNumberText.money(1_234_567.891) == "€1,234,567.89")
        #expect(ReportNumberText.money(0.005) == "€0.01")
        #expect(ReportNumberText.money(-12.5) == "-€12.50")
        #expect(ReportNumberText.percent(0.25345) == "25.3 %")
        #expect(ReportNumberText.decimal(2.999, digits: 2) == "3.00")
        #expect(ReportNumberText.time(Self.noon + 5_000_000) == "2026-12-02 12:00:05")
        #expect(ReportNumberText.readable("Rabat\u{1B}[2J\u{9B}\n") == "Rabat\u{FFFD}[2J\u{FFFD}\u{FFFD}")
    }

    /// A report over two cities, one of them named with markup.
    static func report() -> AnalyticsReport {
        var totals = ReportTotals(top: TopN(n: 10))
        totals.revenue = 300
        totals.transactions = 3
        totals.items = 6
        var users = KeyInterner()
        var aggregates: [RevenueAggregate] = []
        for (user, aggregate) in [
            ("USER_2", RevenueAggregate(revenue: 100, transactions: 1, items: 1)),
            ("USER_1", RevenueAggregate(revenue: 200, transactions: 2, items: 5)),
        ] {
            _ = Array(user.utf8).withUnsafeBytes { users.intern($0) }
            aggregates.append(aggregate)
        }
        totals.users = UserTotals(interner: users, aggregates: aggregates)
        totals.dimensions[Int(CommerceDimension.city.rawValue)] = [
            "Rabat": .init(revenue: 100, transactions: 2, items: 4),
            "<b>x</b>|y": .init(revenue: 200, transactions: 1, items: 2),
        ]
        totals.hours = [Self.noon / Self.hour: .init(revenue: 300, transactions: 3, items: 6)]
        return AnalyticsReport(
            sections: ReportSection.allCases, totals: totals, top: 10, watermarkMicros: nil, asOfMicros: Self.noon,
            deadLetters: .init(late: 1, malformed: 2), scan: .init())
    }

    @Test("baskets by average (highest first), customers by revenue (ties by id), exact unique users")
    func ordering() {
        let report = Self.report()
        #expect(report.basketByCity.map(\.city) == ["<b>x</b>|y", "Rabat"])
        #expect(report.basketByCity[1].averageAmount == 50 && report.basketByCity[1].itemsPerTransaction == 2)
        #expect(report.topCustomers.map(\.userId) == ["USER_1", "USER_2"])
        #expect(report.stats.uniqueUsers == 2)
        #expect(report.cities.map(\.value) == ["<b>x</b>|y", "Rabat"])
        #expect(report.hours.map(\.startMicros) == [Self.noon])
    }

    @Test("the JSON keys: the sections asked for, in the report's order")
    func jsonKeys() throws {
        var report = Self.report()
        report.sections = [.stats, .hours]
        let json = try OrderedJSONEncoder().encode(report)
        #expect(json.hasPrefix(#"{"stats":{"revenue":300"#))
        #expect(json.contains(#""hours":[{"hour":"2026-12-02T12:00:00.000000Z","revenue":300"#))
        #expect(!json.contains("categories"))
    }

    @Test("text from events stays text: escaped in Markdown and HTML, quoted in CSV")
    func escaping() {
        let report = Self.report()
        let markdown = ReportFormat.markdown.render(report, dataDirectory: "d")
        #expect(markdown.contains(#"| &lt;b&gt;x&lt;/b&gt;\|y |"#))
        let html = ReportFormat.html.render(report, dataDirectory: "d")
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt;|y") && !html.contains("<b>") && !html.contains("<script"))
        let csv = ReportCSVFormatter.render(
            ReportTable(.cities, [("city", "City")], [[.text("a,\"b\"")], [.money(0.1)]]))
        #expect(csv == "city\r\n\"a,\"\"b\"\"\"\r\n0.1\r\n")
    }
}

@Suite("Interning and merging user totals")
struct UserTotalsTests {
    static func interned(_ values: [String]) -> (KeyInterner, [Int]) {
        var interner = KeyInterner()
        let ids = values.map { value in Array(value.utf8).withUnsafeBytes { interner.intern($0) } }
        return (interner, ids)
    }

    @Test("ids are dense in order of first appearance; every value comes back as it went in, through growth")
    func interning() {
        let values = (0..<50_000).map { "USER_\($0 % 20_000)" } + ["", "é", "USER_1"]
        let (interner, ids) = Self.interned(values)
        #expect(interner.count == 20_002)
        #expect(ids[0] == 0 && ids[19_999] == 19_999 && ids[20_000] == 0 && ids[50_000] == 20_000)
        #expect(ids[50_002] == 1)
        #expect(
            (0..<interner.count).allSatisfy { interner.string($0) == values[$0 < 20_000 ? $0 : 50_000 + $0 - 20_000] })
    }

    @Test(
        "workers' totals over disjoint users are counted together; the top list breaks revenue ties by the smaller id")
    func adjoining() {
        func totals(_ entries: [(String, Double)]) -> UserTotals {
            let (interner, _) = Self.interned(entries.map(\.0))
            return UserTotals(
                interner: interner,
                aggregates: entries.map { RevenueAggregate(revenue: $0.1, transactions: 1, items: 2) })
        }
        var merged = totals([("b", 10), ("e", 5), ("c", 1)])
        merged.adjoin(totals([("f", 9), ("d", 10), ("a", 10)]))
        merged.adjoin(UserTotals())
        #expect(merged.count == 6)
        let top = merged.top(3)
        #expect(top.map(\.user) == ["a", "b", "d"])
        #expect(top.map(\.aggregate.revenue) == [10, 10, 10])
        #expect(top[0].aggregate.transactions == 1 && top[0].aggregate.items == 2)
        #expect(merged.top(10).map(\.user) == ["a", "b", "d", "f", "e", "c"])
        #expect(merged.top(0).isEmpty)
    }

    @Test("values longer than the 16 bytes a slot holds are told apart by the rest of their bytes")
    func longValues() {
        let values = (0..<5_000).map { "same-first-16-by\($0 % 2_000)" } + ["same-first-16-by", "same-first-16-byX"]
        let (interner, ids) = Self.interned(values)
        #expect(interner.count == 2_002)
        #expect(ids[0] == 0 && ids[2_000] == 0 && ids[4_999] == 999 && ids[5_000] == 2_000 && ids[5_001] == 2_001)
        #expect((0..<2_000).allSatisfy { interner.string($0) == values[$0] })
    }
}
