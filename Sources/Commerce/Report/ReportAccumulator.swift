import Engine
import Storage

/// Folds row groups into one worker's `ReportTotals`, column by column: a loop per measure over
/// the rows in range, strings interned by a fixed hash (made once per distinct value).
struct ReportAccumulator {
    private let sections: Set<ReportSection>
    private var revenue = 0.0
    private var transactions: Int64 = 0
    private var items: Int64 = 0
    private var users = KeyInterner()
    private var userTotals: [RevenueAggregate] = []
    /// By `CommerceDimension.rawValue`.
    private var interners = [KeyInterner(), KeyInterner(), KeyInterner()]
    private var dimensionTotals: [[RevenueAggregate]] = [[], [], []]
    private var hours: [Int64: RevenueAggregate] = [:]
    private var top: TopN<Transaction>

    init(sections: Set<ReportSection>, top: Int) {
        self.sections = sections
        self.top = TopN(n: sections.contains(.topTransactions) ? top : 0)
    }

    /// Adds the rows of `columns` in range.
    mutating func add(_ columns: ReportColumns) {
        if let selection = columns.selection {
            fold(columns, rows: selection)
        } else {
            fold(columns, rows: 0..<columns.count)
        }
    }

    private mutating func fold<Rows: Collection<Int>>(_ columns: ReportColumns, rows: Rows) {
        guard let amounts = columns.amounts, let quantities = columns.quantities, !rows.isEmpty else { return }
        transactions &+= Int64(rows.count)
        for row in rows {
            revenue += amounts[row]
            items &+= Int64(quantities[row])
        }
        if let values = columns.users {
            for row in rows {
                let id = values.withValue(row) { users.intern($0) }
                userTotals.add(at: id, amount: amounts[row], quantity: Int64(quantities[row]))
            }
        }
        for dimension in CommerceDimension.allCases {
            guard let values = columns.values(of: dimension) else { continue }
            let index = Int(dimension.rawValue)
            for row in rows {
                let id = values.withValue(row) { interners[index].intern($0) }
                dimensionTotals[index].add(at: id, amount: amounts[row], quantity: Int64(quantities[row]))
            }
        }
        if sections.contains(.hours), let times = columns.times {
            // Rows come in event-time order within a part: the hour rarely changes from row to row.
            var hour = Int64.min
            var aggregate = RevenueAggregate()
            for row in rows {
                let rowHour = ISO8601Timestamp.floorDivide(times[row], 3_600_000_000).0
                if rowHour != hour {
                    if hour != Int64.min { hours[hour, default: RevenueAggregate()].merge(aggregate) }
                    (hour, aggregate) = (rowHour, RevenueAggregate())
                }
                aggregate.add(amount: amounts[row], quantity: Int64(quantities[row]))
            }
            if hour != Int64.min { hours[hour, default: RevenueAggregate()].merge(aggregate) }
        }
        if top.n > 0 {
            for row in rows where top.admits(score: amounts[row]) {
                guard let transaction = columns.transaction(at: row) else { break }
                top.insert(score: transaction.amount, id: transaction.transactionID, element: transaction)
            }
        }
    }

    /// The totals of the rows added, keyed by value.
    func finish() -> ReportTotals {
        var totals = ReportTotals(top: top)
        totals.revenue = revenue
        totals.transactions = transactions
        totals.items = items
        for (id, aggregate) in userTotals.enumerated() where aggregate.transactions > 0 {
            totals.users[users.strings[id]] = aggregate
        }
        for dimension in CommerceDimension.allCases {
            let index = Int(dimension.rawValue)
            for (id, aggregate) in dimensionTotals[index].enumerated() where aggregate.transactions > 0 {
                totals.dimensions[index][interners[index].strings[id]] = aggregate
            }
        }
        totals.hours = hours
        return totals
    }
}

/// What a report's scan adds up, keyed by value; workers' totals merge by addition.
struct ReportTotals: Sendable {
    var revenue = 0.0
    var transactions: Int64 = 0
    var items: Int64 = 0
    var users: [String: RevenueAggregate] = [:]
    /// By `CommerceDimension.rawValue`.
    var dimensions: [[String: RevenueAggregate]] = [[:], [:], [:]]
    /// By hour since the epoch (UTC).
    var hours: [Int64: RevenueAggregate] = [:]
    var top: TopN<Transaction>

    init(top: TopN<Transaction>) {
        self.top = top
    }

    mutating func merge(_ other: ReportTotals) {
        revenue += other.revenue
        transactions &+= other.transactions
        items &+= other.items
        users.merge(other.users) { $0.merging($1) }
        for index in dimensions.indices { dimensions[index].merge(other.dimensions[index]) { $0.merging($1) } }
        hours.merge(other.hours) { $0.merging($1) }
        top.merge(other.top)
    }
}

extension RevenueAggregate {
    fileprivate func merging(_ other: RevenueAggregate) -> RevenueAggregate {
        var result = self
        result.merge(other)
        return result
    }
}
