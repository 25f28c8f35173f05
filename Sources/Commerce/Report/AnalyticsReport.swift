import Storage

/// `souk analyze`'s report: the run's results over the committed tables, in the read model's terms
/// (`stats` and the dimension arrays are the dashboard API's objects), plus what the scan read.
/// Encoded as one JSON document whose keys are `ReportSection`s, in that order; a section not asked
/// for is left out.
package struct AnalyticsReport: Sendable, Encodable {
    /// Revenue, transactions and items in one hour (UTC).
    package struct Hour: Sendable, Equatable, Encodable {
        package var startMicros: Int64
        package var revenue: Double
        package var transactions: Int64
        package var items: Int64

        private enum CodingKeys: String, CodingKey { case hour, revenue, transactions, items }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ISO8601Timestamp.format(micros: startMicros), forKey: .hour)
            try container.encode(revenue, forKey: .revenue)
            try container.encode(transactions, forKey: .transactions)
            try container.encode(items, forKey: .items)
        }
    }

    /// A city's average basket (revenue per transaction) and items per transaction.
    package struct Basket: Sendable, Equatable, Encodable {
        package var city: String
        package var transactions: Int64
        package var averageAmount: Double
        package var itemsPerTransaction: Double

        private enum CodingKeys: String, CodingKey {
            case city, transactions
            case averageAmount = "average_amount"
            case itemsPerTransaction = "items_per_transaction"
        }
    }

    /// A customer's revenue, transactions and items.
    package struct Customer: Sendable, Equatable, Encodable {
        package var userId: String
        package var revenue: Double
        package var transactions: Int64
        package var items: Int64

        private enum CodingKeys: String, CodingKey {
            case userId = "user_id"
            case revenue, transactions, items
        }
    }

    /// Records the stream refused: late ones (in range, by their event time) and malformed ones (they
    /// have no event time: every one of the committed batches).
    package struct DeadLetters: Sendable, Equatable, Encodable {
        package var late: Int64
        package var malformed: Int64
    }

    /// What the scan read and how long it took.
    package struct Scan: Sendable, Equatable, Encodable {
        /// The range asked for, µs since the epoch; nil ends are open.
        package var fromMicros: Int64?
        package var toMicros: Int64?
        /// Committed parts of `tables/transactions`, and those read (after pruning by directory).
        package var filesTotal = 0
        package var files = 0
        /// Row groups of the files read, and those decoded (after pruning by statistics).
        package var rowGroupsTotal = 0
        package var rowGroups = 0
        /// Rows decoded, and the column names decoded.
        package var rows: Int64 = 0
        package var columns: [String] = []
        /// Compressed bytes of the column chunks decoded.
        package var bytes: Int64 = 0
        package var seconds = 0.0

        private enum CodingKeys: String, CodingKey {
            case from, to
            case filesTotal = "files_total"
            case files
            case rowGroupsTotal = "row_groups_total"
            case rowGroups = "row_groups"
            case rows, columns, bytes, seconds
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(fromMicros.map { ISO8601Timestamp.format(micros: $0) }, forKey: .from)
            try container.encode(toMicros.map { ISO8601Timestamp.format(micros: $0) }, forKey: .to)
            try container.encode(filesTotal, forKey: .filesTotal)
            try container.encode(files, forKey: .files)
            try container.encode(rowGroupsTotal, forKey: .rowGroupsTotal)
            try container.encode(rowGroups, forKey: .rowGroups)
            try container.encode(rows, forKey: .rows)
            try container.encode(columns, forKey: .columns)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(seconds, forKey: .seconds)
        }
    }

    package var sections: [ReportSection]
    package var stats: CommerceSnapshot.Stats
    package var categories: [CommerceSnapshot.Share]
    package var cities: [CommerceSnapshot.Share]
    package var payments: [CommerceSnapshot.Share]
    package var hours: [Hour]
    package var basketByCity: [Basket]
    package var topCustomers: [Customer]
    package var topTransactions: [CommerceSnapshot.TopTransaction]
    package var deadLetters: DeadLetters
    package var scan: Scan

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        for section in sections {
            let key = JSONKey(section.rawValue)
            switch section {
            case .stats: try container.encode(stats, forKey: key)
            case .categories: try container.encode(categories, forKey: key)
            case .cities: try container.encode(cities, forKey: key)
            case .payments: try container.encode(payments, forKey: key)
            case .hours: try container.encode(hours, forKey: key)
            case .basketByCity: try container.encode(basketByCity, forKey: key)
            case .topCustomers: try container.encode(topCustomers, forKey: key)
            case .topTransactions: try container.encode(topTransactions, forKey: key)
            case .deadLetters: try container.encode(deadLetters, forKey: key)
            case .scan: try container.encode(scan, forKey: key)
            }
        }
    }
}

extension AnalyticsReport {
    /// The report of `totals`: the read model's arithmetic for totals, shares and top transactions,
    /// exact unique users, hours oldest first, baskets by average (highest first, ties by city),
    /// customers by revenue (ties by id).
    init(
        sections: [ReportSection], totals: ReportTotals, top: Int, watermarkMicros: Int64?, asOfMicros: Int64,
        deadLetters: DeadLetters, scan: Scan
    ) {
        var summary = CommerceSummary()
        summary.revenue = totals.revenue
        summary.transactions = totals.transactions
        summary.items = totals.items
        summary.top = totals.top
        for dimension in CommerceDimension.allCases {
            var values = DimensionTotals(limit: Int.max)
            for (value, aggregate) in totals.dimensions[Int(dimension.rawValue)] { values.add(value, aggregate) }
            summary[dimension] = values
        }
        let snapshot = CommerceSnapshot(
            summary: summary, windows: [], watermarkMicros: watermarkMicros, asOfMicros: asOfMicros, windowMinutes: 0,
            topCount: top)
        self.sections = sections
        stats = snapshot.stats
        stats.uniqueUsers = totals.users.count
        categories = snapshot.categories
        cities = snapshot.cities
        payments = snapshot.payments
        topTransactions = snapshot.topTransactions
        hours = totals.hours.sorted { $0.key < $1.key }.map { hour, aggregate in
            Hour(
                startMicros: hour * 3_600_000_000, revenue: aggregate.revenue, transactions: aggregate.transactions,
                items: aggregate.items)
        }
        basketByCity = totals.dimensions[Int(CommerceDimension.city.rawValue)].map { city, aggregate in
            Basket(
                city: city, transactions: aggregate.transactions,
                averageAmount: aggregate.revenue / Double(aggregate.transactions),
                itemsPerTransaction: Double(aggregate.items) / Double(aggregate.transactions))
        }
        .sorted { $0.averageAmount != $1.averageAmount ? $0.averageAmount > $1.averageAmount : $0.city < $1.city }
        topCustomers = totals.users.top(top).map { user, aggregate in
            Customer(
                userId: user, revenue: aggregate.revenue, transactions: aggregate.transactions, items: aggregate.items)
        }
        self.deadLetters = deadLetters
        self.scan = scan
    }
}
