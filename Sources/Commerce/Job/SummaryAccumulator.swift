import Engine

/// Folds transaction rows into a `CommerceSummary`: the one piece of arithmetic behind the live
/// totals (the job's map side) and the totals rebuilt from the committed tables.
///
/// Dimension values are interned by a fixed hash, so the per-row work is a hash of a few bytes and
/// array updates; strings are made once per distinct value, when the summary is finished.
struct SummaryAccumulator {
    /// The distinct values of category, city and payment method, by `CommerceDimension.rawValue`.
    private(set) var interners = [KeyInterner(), KeyInterner(), KeyInterner()]
    private var totals: [[RevenueAggregate]] = [[], [], []]
    private var summary = CommerceSummary()
    private var userHashes: [UInt64] = []
    private(set) var minEventMicros = Int64.max
    private(set) var maxEventMicros = Int64.min

    init() {}

    /// Adds row `row`; returns the interned ids of its category, city and payment method.
    @inline(__always)
    mutating func add(_ rows: TransactionColumns, row: Int) -> (Int, Int, Int) {
        let time = rows.times[row]
        let amount = rows.amounts[row]
        let quantity = Int64(rows.quantities[row])
        minEventMicros = min(minEventMicros, time)
        maxEventMicros = max(maxEventMicros, time)
        summary.revenue += amount
        summary.transactions &+= 1
        summary.items &+= quantity
        userHashes.append(rows.users.withValue(row) { KeyGroups.hash($0) })
        if summary.top.admits(score: amount) { summary.offer(rows.transaction(at: row)) }
        let category = rows.categories.withValue(row) { interners[0].intern($0) }
        let city = rows.cities.withValue(row) { interners[1].intern($0) }
        let payment = rows.payments.withValue(row) { interners[2].intern($0) }
        totals[0].add(at: category, amount: amount, quantity: quantity)
        totals[1].add(at: city, amount: amount, quantity: quantity)
        totals[2].add(at: payment, amount: amount, quantity: quantity)
        return (category, city, payment)
    }

    /// The summary of the rows added.
    func finish() -> CommerceSummary {
        var result = summary
        for hash in userHashes { result.users.insert(hash: hash) }
        if maxEventMicros != Int64.min { result.maxEventMicros = maxEventMicros }
        for dimension in CommerceDimension.allCases {
            let index = Int(dimension.rawValue)
            var dimensionTotals = DimensionTotals()
            for (id, aggregate) in totals[index].enumerated() where aggregate.transactions > 0 {
                dimensionTotals.add(interners[index].string(id), aggregate)
            }
            result[dimension] = dimensionTotals
        }
        return result
    }
}
