import Engine

extension CommerceSnapshot {
    /// The window span a snapshot covers by default: the hour before the newest event time.
    package static let defaultWindowMinutes = 60
    /// The top transactions a snapshot lists by default.
    package static let defaultTopCount = 10

    /// The read model's arithmetic, the same for every source: totals and averages, shares per
    /// dimension value, the `topCount` largest transactions (at most `CommerceSummary.topCount`), and the windows whose start lies within
    /// `windowMinutes` before the newest event time (event time, not the wall clock).
    package init(
        summary: CommerceSummary, windows: [CommerceWindow], watermarkMicros: Int64?, asOfMicros: Int64,
        windowMinutes: Int = CommerceSnapshot.defaultWindowMinutes, topCount: Int = CommerceSnapshot.defaultTopCount
    ) {
        let watermark = watermarkMicros == Int64.min ? nil : watermarkMicros
        stats = Stats(
            revenue: summary.revenue, transactions: summary.transactions, uniqueUsers: summary.uniqueUsers,
            averageAmount: summary.averageAmount, items: summary.items, watermarkMicros: watermark,
            asOfMicros: asOfMicros)
        categories = Self.shares(summary, .category)
        cities = Self.shares(summary, .city)
        payments = Self.shares(summary, .paymentMethod)
        topTransactions = summary.top.entries.prefix(max(0, topCount)).map { TopTransaction(transaction: $0.element) }
        self.windowMinutes = max(0, windowMinutes)
        self.windows = Self.windows(windows, newest: summary.maxEventMicros, minutes: self.windowMinutes)
    }

    private static func shares(_ summary: CommerceSummary, _ dimension: CommerceDimension) -> [Share] {
        let revenue = summary.revenue
        let transactions = summary.transactions
        return summary[dimension].values.map { value, aggregate in
            Share(
                dimension: dimension, value: value, revenue: aggregate.revenue, transactions: aggregate.transactions,
                items: aggregate.items, revenueShare: revenue == 0 ? 0 : aggregate.revenue / revenue,
                transactionShare: transactions == 0 ? 0 : Double(aggregate.transactions) / Double(transactions))
        }
        .sorted { $0.revenue != $1.revenue ? $0.revenue > $1.revenue : $0.value < $1.value }
    }

    /// The windows that start after `newest − minutes` (so `minutes` one-minute windows when every
    /// minute has one), oldest first, ties by key.
    private static func windows(_ all: [CommerceWindow], newest: Int64?, minutes: Int) -> Windows {
        var result = Windows()
        guard let newest else { return result }
        let span = Int64(minutes) * 60_000_000
        let after = newest.subtractingReportingOverflow(span)
        let earliest = after.overflow ? Int64.min : after.partialValue
        // Only the span's windows are sorted: the live view may hold thousands of older ones.
        for window in all.filter({ $0.id.windowStart > earliest }).sorted(by: { $0.id < $1.id }) {
            result[window.id.dimension].append(
                Window(
                    startMicros: window.id.windowStart, endMicros: window.windowEnd, key: window.id.key,
                    revenue: window.aggregate.revenue, transactions: window.aggregate.transactions,
                    items: window.aggregate.items))
        }
        return result
    }
}
