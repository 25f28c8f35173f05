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
    /// The largest transactions by amount (ties: smaller transaction id first).
    var top = TopN<TopTransaction>(n: CommerceSummary.topCount)

    var averageAmount: Double { transactions == 0 ? 0 : revenue / Double(transactions) }
    var uniqueUsers: Int { users.count }

    mutating func merge(_ other: CommerceSummary) {
        revenue += other.revenue
        transactions += other.transactions
        items += other.items
        users.merge(other.users)
        top.merge(other.top)
    }

    /// Keeps `transaction` when it ranks among the top.
    mutating func offer(_ transaction: TopTransaction) {
        top.insert(score: transaction.amount, id: transaction.transactionId, element: transaction)
    }
}
