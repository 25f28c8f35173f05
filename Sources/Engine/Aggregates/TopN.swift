/// The `n` largest elements by score, ties broken by a smaller id: deterministic whatever the order
/// of inserts and merges.
public struct TopN<Element: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var score: Double
        public var id: String
        public var element: Element
    }

    public let n: Int
    /// Largest first.
    public private(set) var entries: [Entry] = [] {
        didSet { threshold = Self.threshold(of: entries, n: n) }
    }
    /// The lowest score that can still enter: kept beside the entries so `admits`, called for every
    /// row, reads one number (no generic access to the entries).
    private var threshold = -Double.infinity

    private enum CodingKeys: String, CodingKey { case n, entries }

    public init(n: Int) {
        self.n = max(0, n)
        threshold = self.n == 0 ? .infinity : -.infinity
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        n = max(0, try container.decode(Int.self, forKey: .n))
        entries = try container.decode([Entry].self, forKey: .entries)
        threshold = Self.threshold(of: entries, n: n)
    }

    /// Anything enters while fewer than `n` are kept; then only a score at least the lowest kept.
    private static func threshold(of entries: [Entry], n: Int) -> Double {
        entries.count < n ? -.infinity : (entries.isEmpty ? .infinity : entries[entries.count - 1].score)
    }

    /// Whether an element of this score could enter the list (a cheap check before building it).
    public func admits(score: Double) -> Bool {
        score >= threshold
    }

    /// Keeps `element` when it ranks among the `n` largest. Entries are compared in place (by binary
    /// search on score, then id), never copied out, so a list of 100 costs a few comparisons per
    /// admitted row. An entry with the same id and score is already kept: nothing changes.
    public mutating func insert(score: Double, id: String, element: Element) {
        guard n > 0 else { return }
        // The first position whose entry the new one ranks above.
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            let other = entries[middle].score
            let above = score != other ? score > other : id < entries[middle].id
            if above { high = middle } else { low = middle + 1 }
        }
        guard low < n else { return }
        if low > 0 && entries[low - 1].score == score && entries[low - 1].id == id { return }
        entries.insert(Entry(score: score, id: id, element: element), at: low)
        if entries.count > n { entries.removeLast() }
    }

    public mutating func merge(_ other: TopN) {
        for entry in other.entries { insert(score: entry.score, id: entry.id, element: entry.element) }
    }
}
