/// Event-time sliding (hopping) windows: length `size`, a new one every `slide`, aligned to the epoch.
/// An event belongs to `size / slide` windows (rounded up when they do not divide).
public struct SlidingWindow: WindowAssigner, Hashable {
    public let sizeMicros: Int64
    public let slideMicros: Int64

    public init(size: Duration, slide: Duration) throws(WindowError) {
        sizeMicros = size.microseconds
        slideMicros = slide.microseconds
        guard slideMicros > 0, sizeMicros >= slideMicros else {
            throw WindowError(description: "a sliding window needs size >= slide > 0")
        }
    }

    public func starts(containing micros: Int64) -> [Int64] {
        var starts: [Int64] = []
        var start = floor(micros, toMultipleOf: slideMicros)
        while start > micros - sizeMicros {
            starts.append(start)
            start -= slideMicros
        }
        return starts.reversed()
    }
}
