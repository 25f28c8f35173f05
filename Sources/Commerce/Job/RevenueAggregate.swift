import Engine

/// The e-commerce measures: revenue, transactions and items. Mergeable: partial aggregates of
/// workers (or of several `souk stream` processes) combine by addition in any order.
package struct RevenueAggregate: MergeableAggregate {
    package var revenue: Double = 0
    package var transactions: Int64 = 0
    package var items: Int64 = 0

    package init() {}

    package init(revenue: Double, transactions: Int64, items: Int64) {
        self.revenue = revenue
        self.transactions = transactions
        self.items = items
    }

    /// Counts one transaction.
    @inline(__always)
    package mutating func add(amount: Double, quantity: Int64) {
        revenue += amount
        transactions &+= 1
        items &+= quantity
    }

    /// Adds another partial aggregate.
    package mutating func merge(_ other: RevenueAggregate) {
        revenue += other.revenue
        transactions &+= other.transactions
        items &+= other.items
    }
}

extension Array where Element == RevenueAggregate {
    /// Counts one transaction at `index`, growing the array when the index is new (ids are dense).
    @inline(__always)
    mutating func add(at index: Int, amount: Double, quantity: Int64) {
        if index >= count { append(contentsOf: repeatElement(RevenueAggregate(), count: index + 1 - count)) }
        self[index].add(amount: amount, quantity: quantity)
    }
}
