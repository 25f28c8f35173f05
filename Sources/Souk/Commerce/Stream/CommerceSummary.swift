import Engine

/// The live totals: revenue, transactions, unique users, items sold, and the largest transactions.
/// Mergeable, so each worker's contribution adds up in any order.
struct CommerceSummary: Sendable, Codable, Equatable {
    /// A transaction kept in the top list.
    struct TopTransaction: Sendable, Codable, Equatable {
        var transactionId: String
        var userId: String
        var city: String
        var category: String
        var amount: Double
        var quantity: Int32
        var paymentMethod: String
        var timestampMicros: Int64
    }

    static let topCount = 10

    var revenue: Double = 0
    var transactions: Int64 = 0
    var items: Int64 = 0
    /// Distinct user ids (exact up to 4,096, then a HyperLogLog sketch).
    var users = DistinctCount()
    /// The largest transactions by amount, largest first (ties: smaller transaction id first).
    var top: [TopTransaction] = []

    var averageAmount: Double { transactions == 0 ? 0 : revenue / Double(transactions) }
    var uniqueUsers: Int { users.count }

    mutating func merge(_ other: CommerceSummary) {
        revenue += other.revenue
        transactions += other.transactions
        items += other.items
        users.merge(other.users)
        for transaction in other.top { offer(transaction) }
    }

    /// Keeps `transaction` when it ranks among the top.
    mutating func offer(_ transaction: TopTransaction) {
        if top.count == Self.topCount, let last = top.last, !Self.ranks(transaction, above: last) { return }
        let index = top.firstIndex { Self.ranks(transaction, above: $0) } ?? top.count
        top.insert(transaction, at: index)
        if top.count > Self.topCount { top.removeLast() }
    }

    /// Whether the cheapest kept transaction could be beaten by `amount` (a fast pre-check).
    func wouldKeep(amount: Double) -> Bool {
        top.count < Self.topCount || amount >= (top.last?.amount ?? 0)
    }

    static func ranks(_ a: TopTransaction, above b: TopTransaction) -> Bool {
        a.amount != b.amount ? a.amount > b.amount : a.transactionId < b.transactionId
    }
}
