/// The e-commerce window measures: revenue, transactions and items. Mergeable: partial aggregates of
/// workers (or of several `souk stream` processes) combine by addition in any order.
public struct RevenueAggregate: Sendable, Equatable, Codable {
    public var revenue: Double = 0
    public var transactions: Int64 = 0
    public var items: Int64 = 0

    public init(revenue: Double = 0, transactions: Int64 = 0, items: Int64 = 0) {
        self.revenue = revenue
        self.transactions = transactions
        self.items = items
    }

    /// Counts one transaction.
    @inline(__always)
    public mutating func add(amount: Double, quantity: Int64) {
        revenue += amount
        transactions += 1
        items += quantity
    }

    /// Adds another partial aggregate.
    public mutating func merge(_ other: RevenueAggregate) {
        revenue += other.revenue
        transactions += other.transactions
        items += other.items
    }
}
