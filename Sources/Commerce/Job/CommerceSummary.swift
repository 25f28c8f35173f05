import Engine

/// The running totals over every valid transaction, late ones included (exactly the rows of
/// `tables/transactions`): revenue, transactions, items, unique users, the largest transactions,
/// the newest event time, and revenue, transactions and items per category, city and payment method.
/// Mergeable, so each worker's contribution adds up in any order; snapshotted with `state/N`.
package struct CommerceSummary: Sendable, Codable, Equatable {
    /// Transactions kept in the top list: the API serves up to 100. The read model shows 10.
    package static let topCount = 100

    package var revenue: Double = 0
    package var transactions: Int64 = 0
    package var items: Int64 = 0
    /// Distinct user ids (exact up to 4,096, then a HyperLogLog sketch).
    package var users = DistinctCount()
    /// The largest transactions by amount (ties: smaller transaction id first).
    package var top = TopN<Transaction>(n: CommerceSummary.topCount)
    /// The newest event time seen, µs since the epoch.
    package var maxEventMicros: Int64?
    package var categories = DimensionTotals()
    package var cities = DimensionTotals()
    package var paymentMethods = DimensionTotals()

    package init() {}

    package var averageAmount: Double { transactions == 0 ? 0 : revenue / Double(transactions) }
    package var uniqueUsers: Int { users.count }

    /// The totals of one dimension.
    package subscript(dimension: CommerceDimension) -> DimensionTotals {
        get {
            switch dimension {
            case .category: categories
            case .city: cities
            case .paymentMethod: paymentMethods
            }
        }
        set {
            switch dimension {
            case .category: categories = newValue
            case .city: cities = newValue
            case .paymentMethod: paymentMethods = newValue
            }
        }
    }

    package mutating func merge(_ other: CommerceSummary) {
        revenue += other.revenue
        transactions &+= other.transactions
        items &+= other.items
        users.merge(other.users)
        top.merge(other.top)
        if let time = other.maxEventMicros { maxEventMicros = max(maxEventMicros ?? time, time) }
        categories.merge(other.categories)
        cities.merge(other.cities)
        paymentMethods.merge(other.paymentMethods)
    }

    /// Keeps `transaction` when it ranks among the top.
    package mutating func offer(_ transaction: Transaction) {
        top.insert(score: transaction.amount, id: transaction.transactionID, element: transaction)
    }

    private enum CodingKeys: String, CodingKey {
        case revenue, transactions, items, users, top, maxEventMicros, categories, cities, paymentMethods
    }

    /// Reads the state of any Souk version: one saved before the per-dimension totals existed
    /// restores them empty.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        revenue = try container.decode(Double.self, forKey: .revenue)
        transactions = try container.decode(Int64.self, forKey: .transactions)
        items = try container.decode(Int64.self, forKey: .items)
        users = try container.decode(DistinctCount.self, forKey: .users)
        top = try container.decode(TopN<Transaction>.self, forKey: .top)
        maxEventMicros = try container.decodeIfPresent(Int64.self, forKey: .maxEventMicros)
        categories = try container.decodeIfPresent(DimensionTotals.self, forKey: .categories) ?? DimensionTotals()
        cities = try container.decodeIfPresent(DimensionTotals.self, forKey: .cities) ?? DimensionTotals()
        paymentMethods =
            try container.decodeIfPresent(DimensionTotals.self, forKey: .paymentMethods) ?? DimensionTotals()
    }
}
