/// Revenue, transactions and items per value of one dimension, over every valid transaction.
///
/// Memory stays bounded whatever a producer sends: once `limit` distinct values are held, a value
/// not seen before is counted under `DimensionTotals.other`. Merging follows the same rule, so
/// totals merge in any order into the same sums, while which values got a row of their own before
/// the limit can depend on that order.
package struct DimensionTotals: Sendable, Equatable, Codable {
    /// The value that stands for every value past the limit.
    package static let other = "(other)"
    /// Distinct values kept per dimension. Default: 10,000.
    package static let defaultLimit = 10_000

    package private(set) var values: [String: RevenueAggregate] = [:]
    package let limit: Int

    package init(limit: Int = DimensionTotals.defaultLimit) {
        self.limit = max(1, limit)
    }

    /// Whether some values were counted under `other`.
    package var overflowed: Bool { values[Self.other] != nil }

    package mutating func add(_ value: String, _ aggregate: RevenueAggregate) {
        if values[value] != nil || values.count < limit || value == Self.other {
            values[value, default: RevenueAggregate()].merge(aggregate)
        } else {
            values[Self.other, default: RevenueAggregate()].merge(aggregate)
        }
    }

    package mutating func merge(_ other: DimensionTotals) {
        // Known values first, so a merge never pushes a value this side already has into `other`.
        for (value, aggregate) in other.values where values[value] != nil { values[value]?.merge(aggregate) }
        for (value, aggregate) in other.values.sorted(by: { $0.key < $1.key }) where values[value] == nil {
            add(value, aggregate)
        }
    }
}
