import Engine
import Storage

/// One of the three dimensions the dashboard breaks revenue down by.
package enum CommerceDimension: UInt8, Sendable, Codable, CaseIterable {
    case category = 0
    case city = 1
    case paymentMethod = 2

    /// The column's (and the API's) name: `category`, `city`, `payment_method`.
    package var name: String {
        switch self {
        case .category: "category"
        case .city: "city"
        case .paymentMethod: "payment_method"
        }
    }

    package init?(name: String) {
        guard let dimension = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = dimension
    }
}

/// One window of one dimension value: the group of the e-commerce window aggregation.
package struct CommerceWindowKey: Sendable, Hashable, Codable, Comparable {
    package var windowStart: Int64
    package var dimension: CommerceDimension
    package var key: String

    package init(windowStart: Int64, dimension: CommerceDimension, key: String) {
        self.windowStart = windowStart
        self.dimension = dimension
        self.key = key
    }

    package static func < (lhs: CommerceWindowKey, rhs: CommerceWindowKey) -> Bool {
        (lhs.windowStart, lhs.dimension.rawValue, lhs.key) < (rhs.windowStart, rhs.dimension.rawValue, rhs.key)
    }
}

/// A window's current value (update mode) or final value (append mode).
package struct CommerceWindow: Sendable, Identifiable, Equatable, Encodable {
    package var id: CommerceWindowKey
    package var windowEnd: Int64
    package var aggregate: RevenueAggregate

    package init(id: CommerceWindowKey, windowEnd: Int64, aggregate: RevenueAggregate) {
        self.id = id
        self.windowEnd = windowEnd
        self.aggregate = aggregate
    }

    private enum CodingKeys: String, CodingKey {
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case dimension, key, revenue, transactions, items
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ISO8601Timestamp.format(micros: id.windowStart), forKey: .windowStart)
        try container.encode(ISO8601Timestamp.format(micros: windowEnd), forKey: .windowEnd)
        try container.encode(id.dimension.name, forKey: .dimension)
        try container.encode(id.key, forKey: .key)
        try container.encode(aggregate.revenue, forKey: .revenue)
        try container.encode(aggregate.transactions, forKey: .transactions)
        try container.encode(aggregate.items, forKey: .items)
    }
}

/// A coding key made from a string at run time.
package struct JSONKey: CodingKey {
    package var stringValue: String
    package var intValue: Int? { nil }
    package init(_ string: String) { stringValue = string }
    package init?(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) { nil }
}
