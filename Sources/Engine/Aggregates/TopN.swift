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
    public private(set) var entries: [Entry] = []

    public init(n: Int) {
        self.n = max(0, n)
    }

    /// Whether an element of this score could enter the list (a cheap check before building it).
    public func admits(score: Double) -> Bool {
        entries.count < n || score >= (entries.last?.score ?? -.infinity)
    }

    public mutating func insert(score: Double, id: String, element: Element) {
        let entry = Entry(score: score, id: id, element: element)
        guard n > 0 else { return }
        if entries.count == n, let last = entries.last, !Self.ranks(entry, above: last) { return }
        guard !entries.contains(where: { $0.id == id }) else { return }
        let index = entries.firstIndex { Self.ranks(entry, above: $0) } ?? entries.count
        entries.insert(entry, at: index)
        if entries.count > n { entries.removeLast() }
    }

    public mutating func merge(_ other: TopN) {
        for entry in other.entries { insert(score: entry.score, id: entry.id, element: entry.element) }
    }

    static func ranks(_ a: Entry, above b: Entry) -> Bool {
        a.score != b.score ? a.score > b.score : a.id < b.id
    }
}
