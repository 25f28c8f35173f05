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
            let ids = values.interned(into: &users, rows: rows)
            for row in rows { userTotals.add(at: ids[row], amount: amounts[row], quantity: Int64(quantities[row])) }
        }
        for dimension in CommerceDimension.allCases {
            guard let values = columns.values(of: dimension) else { continue }
            let index = Int(dimension.rawValue)
            let ids = values.interned(into: &interners[index], rows: rows)
            for row in rows {
                dimensionTotals[index].add(at: ids[row], amount: amounts[row], quantity: Int64(quantities[row]))
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

    /// The totals of the rows added: users by interned id, the dimensions by value.
    func finish() -> ReportTotals {
        var totals = ReportTotals(top: top)
        totals.revenue = revenue
        totals.transactions = transactions
        totals.items = items
        totals.users = UserTotals(interner: users, aggregates: userTotals)
        for dimension in CommerceDimension.allCases {
            let index = Int(dimension.rawValue)
            for (id, aggregate) in dimensionTotals[index].enumerated() where aggregate.transactions > 0 {
                totals.dimensions[index][interners[index].string(id)] = aggregate
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
    var users = UserTotals()
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
        users.merge(other.users)
        for index in dimensions.indices { dimensions[index].merge(other.dimensions[index]) { $0.merging($1) } }
        hours.merge(other.hours) { $0.merging($1) }
        top.merge(other.top)
    }
}

extension [RevenueAggregate] {
    /// Adds `aggregate` at `index`, growing the array when the index is new.
    fileprivate mutating func add(at index: Int, _ aggregate: RevenueAggregate) {
        if index >= count { append(contentsOf: repeatElement(RevenueAggregate(), count: index + 1 - count)) }
        self[index].merge(aggregate)
    }
}

extension RevenueAggregate {
    fileprivate func merging(_ other: RevenueAggregate) -> RevenueAggregate {
        var result = self
        result.merge(other)
        return result
    }
}

/// Revenue, transactions and items per user id, ids interned: merging another worker's totals interns
/// its ids (no strings made), and only the top customers become strings.
struct UserTotals: Sendable {
    private(set) var interner = KeyInterner()
    private(set) var aggregates: [RevenueAggregate] = []

    init() {}

    init(interner: KeyInterner, aggregates: [RevenueAggregate]) {
        self.interner = interner
        self.aggregates = aggregates
    }

    /// Distinct users with a transaction (a dictionary can hold ids no row in range has).
    var count: Int { aggregates.count { $0.transactions > 0 } }

    mutating func merge(_ other: UserTotals) {
        for (id, aggregate) in other.aggregates.enumerated() where aggregate.transactions > 0 {
            let mine = other.interner.withValue(id) { interner.intern($0, hash: other.interner.hashes[id]) }
            aggregates.add(at: mine, aggregate)
        }
    }

    /// The `count` users with the most revenue (ties: the smaller id first), highest first.
    func top(_ count: Int) -> [(user: String, aggregate: RevenueAggregate)] {
        guard count > 0 else { return [] }
        var best: [(id: Int, revenue: Double)] = []
        func above(_ a: (id: Int, revenue: Double), _ b: (id: Int, revenue: Double)) -> Bool {
            a.revenue != b.revenue ? a.revenue > b.revenue : interner.string(a.id) < interner.string(b.id)
        }
        for (id, aggregate) in aggregates.enumerated() where aggregate.transactions > 0 {
            let candidate = (id: id, revenue: aggregate.revenue)
            if best.count == count, let last = best.last, !above(candidate, last) { continue }
            let position = best.firstIndex { above(candidate, $0) } ?? best.count
            best.insert(candidate, at: position)
            if best.count > count { best.removeLast() }
        }
        return best.map { (interner.string($0.id), aggregates[$0.id]) }
    }
}
