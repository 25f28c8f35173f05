import Storage

/// The read model: what the dashboard, its API and `souk analyze` all serve, so they can never
/// disagree. Built by one initializer from a `CommerceSummary`, the windows and the watermark,
/// whether those come from a running engine's live view or from the committed tables.
///
/// Encoded as JSON with snake_case keys, numbers as numbers and times as ISO-8601 UTC with `Z`.
package struct CommerceSnapshot: Sendable, Equatable, Encodable {
    /// The totals over every valid transaction, late ones included.
    package struct Stats: Sendable, Equatable, Encodable {
        package var revenue: Double
        package var transactions: Int64
        package var uniqueUsers: Int
        package var averageAmount: Double
        package var items: Int64
        /// The watermark the newest batch applied, µs since the epoch; nil before any event.
        package var watermarkMicros: Int64?
        /// When the snapshot was taken (wall clock), µs since the epoch.
        package var asOfMicros: Int64

        private enum CodingKeys: String, CodingKey {
            case revenue, transactions
            case uniqueUsers = "unique_users"
            case averageAmount = "average_amount"
            case items
            case watermark
            case asOf = "as_of"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(revenue, forKey: .revenue)
            try container.encode(transactions, forKey: .transactions)
            try container.encode(uniqueUsers, forKey: .uniqueUsers)
            try container.encode(averageAmount, forKey: .averageAmount)
            try container.encode(items, forKey: .items)
            try container.encode(watermarkMicros.map { ISO8601Timestamp.format(micros: $0) }, forKey: .watermark)
            try container.encode(ISO8601Timestamp.format(micros: asOfMicros), forKey: .asOf)
        }
    }

    /// One value of a dimension: its totals and its shares of all revenue and transactions. Encoded
    /// with the dimension's name as the first key: `{"city": "Rabat", "revenue": …}`.
    package struct Share: Sendable, Equatable, Encodable {
        package var dimension: CommerceDimension
        package var value: String
        package var revenue: Double
        package var transactions: Int64
        package var items: Int64
        package var revenueShare: Double
        package var transactionShare: Double

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: JSONKey.self)
            try container.encode(value, forKey: JSONKey(dimension.name))
            try container.encode(revenue, forKey: JSONKey("revenue"))
            try container.encode(transactions, forKey: JSONKey("transactions"))
            try container.encode(items, forKey: JSONKey("items"))
            try container.encode(revenueShare, forKey: JSONKey("revenue_share"))
            try container.encode(transactionShare, forKey: JSONKey("transaction_share"))
        }
    }

    /// A transaction with the original platform's eight fields, as the API writes it (the timestamp
    /// in ISO-8601 UTC with `Z`).
    package struct TopTransaction: Sendable, Equatable, Encodable {
        package var transaction: Transaction

        private enum CodingKeys: String, CodingKey {
            case transactionId = "transaction_id"
            case userId = "user_id"
            case city, category, amount, quantity
            case paymentMethod = "payment_method"
            case timestamp
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(transaction.transactionID, forKey: .transactionId)
            try container.encode(transaction.userID, forKey: .userId)
            try container.encode(transaction.city, forKey: .city)
            try container.encode(transaction.category, forKey: .category)
            try container.encode(transaction.amount, forKey: .amount)
            try container.encode(transaction.quantity, forKey: .quantity)
            try container.encode(transaction.paymentMethod, forKey: .paymentMethod)
            try container.encode(ISO8601Timestamp.format(micros: transaction.timestampMicros), forKey: .timestamp)
        }
    }

    /// One 1-minute window of one dimension value, closed or still open.
    package struct Window: Sendable, Equatable, Encodable {
        package var startMicros: Int64
        package var endMicros: Int64
        package var key: String
        package var revenue: Double
        package var transactions: Int64
        package var items: Int64

        private enum CodingKeys: String, CodingKey {
            case windowStart = "window_start"
            case windowEnd = "window_end"
            case key, revenue, transactions, items
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ISO8601Timestamp.format(micros: startMicros), forKey: .windowStart)
            try container.encode(ISO8601Timestamp.format(micros: endMicros), forKey: .windowEnd)
            try container.encode(key, forKey: .key)
            try container.encode(revenue, forKey: .revenue)
            try container.encode(transactions, forKey: .transactions)
            try container.encode(items, forKey: .items)
        }
    }

    /// Per-minute windows per dimension, oldest first (ties by key).
    package struct Windows: Sendable, Equatable, Encodable {
        package var category: [Window] = []
        package var city: [Window] = []
        package var paymentMethod: [Window] = []

        package subscript(dimension: CommerceDimension) -> [Window] {
            get {
                switch dimension {
                case .category: category
                case .city: city
                case .paymentMethod: paymentMethod
                }
            }
            set {
                switch dimension {
                case .category: category = newValue
                case .city: city = newValue
                case .paymentMethod: paymentMethod = newValue
                }
            }
        }

        private enum CodingKeys: String, CodingKey {
            case category, city
            case paymentMethod = "payment_method"
        }
    }

    package var stats: Stats
    /// Sorted by revenue, highest first (ties by name).
    package var categories: [Share]
    package var cities: [Share]
    package var payments: [Share]
    /// The largest transactions by amount (ties: smaller `transaction_id` first).
    package var topTransactions: [TopTransaction]
    /// Windows over the `windowMinutes` before the newest event time.
    package var windows: Windows
    /// The span of `windows`, in minutes.
    package var windowMinutes: Int

    private enum CodingKeys: String, CodingKey {
        case stats, categories, cities, payments
        case topTransactions = "top_transactions"
        case windows
        case windowMinutes = "window_minutes"
    }

    /// The shares of one dimension.
    package func shares(of dimension: CommerceDimension) -> [Share] {
        switch dimension {
        case .category: categories
        case .city: cities
        case .paymentMethod: payments
        }
    }
}
