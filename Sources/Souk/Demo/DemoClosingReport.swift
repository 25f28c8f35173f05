import Commerce
import Foundation

/// The demo's last words, as the original platform's results section put them: how long it ran,
/// then the totals over everything committed in the data directory (the same figures as
/// `/api/stats` and `souk analyze`), the top three categories by revenue and where the data is.
struct DemoClosingReport {
    var runTime: Duration
    /// Transactions this run's generator sent.
    var sent: Int
    var stats: CommerceSnapshot.Stats
    var categories: [CommerceSnapshot.Share]
    var dataDirectory: String
    var parquetFiles: Int
    var parquetBytes: Int64

    var text: String {
        let label = { (text: String) in text.padding(toLength: 16, withPad: " ", startingAt: 0) }
        var lines = [
            "Souk demo stopped after \(Self.clock(runTime)) (run time); this run sent "
                + "\(ReportNumberText.grouped(Int64(sent))) transactions.",
            "Results over everything committed in \(dataDirectory):",
            "  \(label("Transactions"))\(ReportNumberText.grouped(stats.transactions))",
            "  \(label("Unique users"))\(ReportNumberText.grouped(Int64(stats.uniqueUsers)))",
            "  \(label("Total revenue"))\(ReportNumberText.money(stats.revenue))",
            "  \(label("Average basket"))\(ReportNumberText.money(stats.averageAmount))",
            "  \(label("Items sold"))\(ReportNumberText.grouped(stats.items))",
        ]
        let top = categories.sorted { ($0.revenue, $1.value) > ($1.revenue, $0.value) }.prefix(3)
        if !top.isEmpty {
            lines.append("  Top categories by revenue:")
            for (rank, share) in top.enumerated() {
                lines.append(
                    "    \(rank + 1). \(label(ReportNumberText.readable(share.value)))"
                        + "\(ReportNumberText.money(share.revenue)) (\(ReportNumberText.percent(share.revenueShare)))")
            }
        }
        let path = { (name: String) in (self.dataDirectory as NSString).appendingPathComponent(name) }
        let places = [
            (
                path("tables/transactions"),
                "every transaction, Parquet by date= and hour= (\(DemoStatus.files(parquetFiles)) in both tables, "
                    + "\(DemoStatus.bytes(parquetBytes)))"
            ),
            (path("tables/windows"), "revenue per 1-minute window by category, city and payment method"),
            (path("deadletter"), "late and malformed records"),
            (path("broker"), "the broker's log: souk demo continues from here next time"),
        ]
        let width = places.map(\.0.count).max() ?? 0
        lines.append("Where the data is:")
        for (place, what) in places {
            lines.append("  " + place.padding(toLength: width + 2, withPad: " ", startingAt: 0) + what)
        }
        lines.append("Read it again: souk analyze --data-dir \(dataDirectory), or souk web --data-dir \(dataDirectory)")
        return lines.joined(separator: "\n")
    }

    /// `1:32` or `1:02:05`.
    static func clock(_ duration: Duration) -> String {
        let seconds = max(0, duration.components.seconds)
        return seconds >= 3600
            ? String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
            : String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}
