/// An aggregate that partial results combine into: workers aggregate their share, the owner of the
/// key merges the partials in any order (merge is associative and commutative), and the state is
/// snapshotted with each checkpoint (Codable).
public protocol MergeableAggregate: Sendable, Codable, Equatable {
    init()
    mutating func merge(_ other: Self)
}

/// Sum of doubles (plain addition: merges in another order may differ in the last bits).
public struct SumAggregate: MergeableAggregate {
    public private(set) var sum: Double = 0
    public init() {}
    public init(_ value: Double) { sum = value }
    public mutating func add(_ value: Double) { sum += value }
    public mutating func merge(_ other: SumAggregate) { sum += other.sum }
}

/// Count of rows.
public struct CountAggregate: MergeableAggregate {
    public private(set) var count: Int64 = 0
    public init() {}
    public mutating func add() { count += 1 }
    public mutating func merge(_ other: CountAggregate) { count += other.count }
}

/// Smallest value (nil while empty).
public struct MinAggregate: MergeableAggregate {
    public private(set) var value: Double?
    public init() {}
    public mutating func add(_ x: Double) { value = Swift.min(value ?? x, x) }
    public mutating func merge(_ other: MinAggregate) { if let x = other.value { add(x) } }
}

/// Largest value (nil while empty).
public struct MaxAggregate: MergeableAggregate {
    public private(set) var value: Double?
    public init() {}
    public mutating func add(_ x: Double) { value = Swift.max(value ?? x, x) }
    public mutating func merge(_ other: MaxAggregate) { if let x = other.value { add(x) } }
}

/// Mean, kept as sum and count so partials merge exactly.
public struct AverageAggregate: MergeableAggregate {
    public private(set) var sum: Double = 0
    public private(set) var count: Int64 = 0
    public init() {}
    public mutating func add(_ x: Double) {
        sum += x
        count += 1
    }
    public mutating func merge(_ other: AverageAggregate) {
        sum += other.sum
        count += other.count
    }
    public var average: Double? { count == 0 ? nil : sum / Double(count) }
}

extension DistinctCount: MergeableAggregate {
    public init() { self.init(threshold: DistinctCount.defaultThreshold) }
}
