import Engine
import Storage

/// Folds row groups into one worker's `ReportTotals`, column by column: a loop per measure over
/// the rows in range, strings interned by a fixed hash (made once per distinct value).
///
/// Workers share each row group: worker `w` of `W` adds its slice of the rows, except for the
/// per-user totals, where it takes every row whose user falls in its part of the users (by hash):
/// the workers' users are then disjoint, so none interns a user another one does, and their totals
/// are put side by side instead of merged.
struct ReportAccumulator {
    private let sections: Set<ReportSection>
    /// This worker's part of the users, of `partitions`.
    private let partition: Int
    private let partitions: Int
    private var revenue = 0.0
    private var transactions: Int64 = 0
    private var items: Int64 = 0
    private var users = KeyInterner()
    private var userTotals: [RevenueAggregate] = []
    /// By `CommerceDimension.rawValue`.
    private var interners = [KeyInterner(), KeyInterner(), KeyInterner()]
    private var dimensionTotals: [[RevenueAggregate]] = [[], [], []]
    private var hours: [Int64: RevenueAggregate] = [:]
    private var candidates: TopCandidates

    init(sections: Set<ReportSection>, top: Int, partition: Int = 0, of partitions: Int = 1) {
        self.sections = sections
        candidates = TopCandidates(n: sections.contains(.topTransactions) ? top : 0)
        self.partitions = max(1, partitions)
        self.partition = min(max(0, partition), self.partitions - 1)
    }

    /// Adds the rows of `columns` in range among `rows` (default: all of them), and the per-user
    /// totals of this worker's users over every row in range.
    mutating func add(_ columns: ReportColumns, rows: Range<Int>? = nil) {
        let rows = rows ?? 0..<columns.count
        if let selection = columns.selection {
            // The selection is sorted: the rows of `rows` in it are one slice of it.
            let lower = Self.firstIndex(in: selection, atLeast: rows.lowerBound)
            let upper = Self.firstIndex(in: selection, atLeast: rows.upperBound)
            fold(columns, rows: selection[lower..<upper])
            addUsers(columns, rows: selection)
        } else {
            fold(columns, rows: rows)
            addUsers(columns, rows: 0..<columns.count)
        }
    }

    private mutating func addUsers<Rows: Collection<Int>>(_ columns: ReportColumns, rows: Rows) {
        guard let values = columns.users, let amounts = columns.amounts, let quantities = columns.quantities
        else { return }
        Self.add(
            values, rows: rows, part: (partition, partitions), amounts: amounts, quantities: quantities,
            interner: &users, totals: &userTotals)
    }

    /// Counts each row of `rows` whose value falls in `part` at its value's interned id.
    private static func add(
        _ values: ReportStrings, rows: some Collection<Int>, part: (index: Int, count: Int), amounts: [Double],
        quantities: [Int32], interner: inout KeyInterner, totals: inout [RevenueAggregate]
    ) {
        if part.count == 1, case .dictionary(let dictionary, let indices) = values, dictionary.count <= rows.count {
            // A small dictionary (a dimension's): count per entry first, then intern each entry used once.
            var local = [RevenueAggregate](repeating: RevenueAggregate(), count: dictionary.count)
            for row in rows { local[Int(indices[row])].add(amount: amounts[row], quantity: Int64(quantities[row])) }
            for (entry, aggregate) in local.enumerated() where aggregate.transactions > 0 {
                totals.add(at: dictionary.withValue(entry) { interner.intern($0, hash: KeyGroups.hash($0)) }, aggregate)
            }
            return
        }
        values.forEachInterned(into: &interner, rows: rows, part: part) { row, id in
            totals.add(at: id, amount: amounts[row], quantity: Int64(quantities[row]))
        }
    }

    /// The first index of sorted `rows` holding a row at least `row` (binary search).
    private static func firstIndex(in rows: [Int], atLeast row: Int) -> Int {
        var (low, high) = (0, rows.count)
        while low < high {
            let middle = low + (high - low) / 2
            if rows[middle] < row { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func fold<Rows: Collection<Int>>(_ columns: ReportColumns, rows: Rows) {
        guard let amounts = columns.amounts, let quantities = columns.quantities, !rows.isEmpty else { return }
        transactions &+= Int64(rows.count)
        for row in rows {
            revenue += amounts[row]
            items &+= Int64(quantities[row])
        }
        for dimension in CommerceDimension.allCases {
            guard let values = columns.values(of: dimension) else { continue }
            let index = Int(dimension.rawValue)
            Self.add(
                values, rows: rows, part: (0, 1), amounts: amounts, quantities: quantities,
                interner: &interners[index], totals: &dimensionTotals[index])
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
        if candidates.n > 0 { candidates.offer(columns, amounts: amounts, rows: rows) }
    }

    /// The totals of the rows added: users by interned id, the dimensions by value.
    func finish() -> ReportTotals {
        var totals = ReportTotals(top: TopN(n: 0))
        totals.candidates = candidates
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
    /// The rows that can enter the top transactions, their ids not read yet (`top` once they are read).
    var candidates: TopCandidates

    init(top: TopN<Transaction>) {
        self.top = top
        candidates = TopCandidates(n: top.n)
    }

    mutating func merge(_ other: ReportTotals) {
        revenue += other.revenue
        transactions &+= other.transactions
        items &+= other.items
        users.adjoin(other.users)
        for index in dimensions.indices { dimensions[index].merge(other.dimensions[index]) { $0.merging($1) } }
        hours.merge(other.hours) { $0.merging($1) }
        top.merge(other.top)
        candidates.merge(other.candidates)
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

/// Revenue, transactions and items per user id, ids interned; the totals of the other workers'
/// users (disjoint from these) are kept beside, and only the top customers become strings.
struct UserTotals: Sendable {
    private(set) var interner = KeyInterner()
    private(set) var aggregates: [RevenueAggregate] = []
    /// Totals over other users, from other workers.
    private var others: [UserTotals] = []

    init() {}

    init(interner: KeyInterner, aggregates: [RevenueAggregate]) {
        self.interner = interner
        self.aggregates = aggregates
    }

    /// Distinct users with a transaction (a dictionary can hold ids no row in range has).
    var count: Int { aggregates.count { $0.transactions > 0 } + others.reduce(0) { $0 + $1.count } }

    /// Keeps `other`, the totals over users none of these are, beside these.
    mutating func adjoin(_ other: UserTotals) {
        others.append(other)
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
        let mine = best.map { (user: interner.string($0.id), aggregate: aggregates[$0.id]) }
        guard !others.isEmpty else { return mine }
        let all = mine + others.flatMap { $0.top(count) }
        return Array(
            all.sorted {
                $0.aggregate.revenue != $1.aggregate.revenue
                    ? $0.aggregate.revenue > $1.aggregate.revenue : $0.user < $1.user
            }.prefix(count))
    }
}
