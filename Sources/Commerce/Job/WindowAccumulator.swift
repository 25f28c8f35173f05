/// Revenue per (window start, dimension, interned value); rows of one window (the usual case within
/// a chunk) update flat arrays, other windows a dictionary.
struct WindowAccumulator {
    private struct Slot: Hashable {
        var start: Int64
        var dimension: Int
        var id: Int
    }

    private var currentStart = Int64.min
    private var current: [[RevenueAggregate]] = [[], [], []]
    private var others: [Slot: RevenueAggregate] = [:]

    mutating func add(start: Int64, ids: (Int, Int, Int), amount: Double, quantity: Int64) {
        if start != currentStart {
            flush()
            currentStart = start
        }
        current[0].add(at: ids.0, amount: amount, quantity: quantity)
        current[1].add(at: ids.1, amount: amount, quantity: quantity)
        current[2].add(at: ids.2, amount: amount, quantity: quantity)
    }

    private mutating func flush() {
        guard currentStart != Int64.min else { return }
        for dimension in 0..<3 {
            for (id, aggregate) in current[dimension].enumerated() where aggregate.transactions > 0 {
                others[Slot(start: currentStart, dimension: dimension, id: id), default: RevenueAggregate()].merge(
                    aggregate)
            }
            current[dimension] = []
        }
    }

    /// Every non-empty aggregate.
    mutating func visit(_ body: (Int64, Int, Int, RevenueAggregate) -> Void) {
        flush()
        currentStart = Int64.min
        for (slot, aggregate) in others { body(slot.start, slot.dimension, slot.id, aggregate) }
    }
}
