import Engine

/// One window of one dimension value: the group of the e-commerce window aggregation.
struct CommerceWindowKey: Sendable, Hashable, Codable, Comparable {
    /// `category`, `city` or `payment_method`.
    enum Dimension: UInt8, Sendable, Codable, CaseIterable {
        case category = 0
        case city = 1
        case paymentMethod = 2

        var name: String {
            switch self {
            case .category: "category"
            case .city: "city"
            case .paymentMethod: "payment_method"
            }
        }
    }

    var windowStart: Int64
    var dimension: Dimension
    var key: String

    static func < (lhs: CommerceWindowKey, rhs: CommerceWindowKey) -> Bool {
        (lhs.windowStart, lhs.dimension.rawValue, lhs.key) < (rhs.windowStart, rhs.dimension.rawValue, rhs.key)
    }
}

/// A window's current value (update mode) or final value (append mode).
struct CommerceWindow: Sendable, Identifiable, Equatable {
    var id: CommerceWindowKey
    var windowEnd: Int64
    var aggregate: RevenueAggregate
}
