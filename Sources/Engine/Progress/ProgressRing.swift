/// The newest progress reports, oldest first, at most `capacity` of them.
public struct ProgressRing: Sendable {
    public let capacity: Int
    private var storage: [StreamingProgress] = []
    private var head = 0

    public init(capacity: Int = 100) {
        self.capacity = max(1, capacity)
    }

    public mutating func append(_ progress: StreamingProgress) {
        if storage.count < capacity {
            storage.append(progress)
        } else {
            storage[head] = progress
            head = (head + 1) % capacity
        }
    }

    /// Oldest first.
    public var reports: [StreamingProgress] { Array(storage[head...] + storage[..<head]) }

    public var last: StreamingProgress? {
        storage.isEmpty ? nil : storage[(head + storage.count - 1) % storage.count]
    }
}
