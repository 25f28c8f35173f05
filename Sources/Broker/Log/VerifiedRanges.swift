/// The byte ranges of a segment file whose batches this process has checked (CRC-32C) — on the way in
/// or on a first read — kept sorted, disjoint and merged. The sendfile path serves only bytes in here
/// and checks the rest first, so a batch that rotted on disk while the broker was down is never sent.
struct VerifiedRanges: Equatable {
    private(set) var ranges: [Range<Int>] = []

    /// Whether every byte of `range` was checked.
    func covers(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return true }
        // Ranges are merged, so one holds all of `range` or none does.
        return ranges.contains { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound }
    }

    /// Adds `range`, merging it with the ranges it touches or overlaps.
    mutating func insert(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        var merged = range
        var kept: [Range<Int>] = []
        kept.reserveCapacity(ranges.count + 1)
        for existing in ranges {
            if existing.upperBound < merged.lowerBound || merged.upperBound < existing.lowerBound {
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)..<max(existing.upperBound, merged.upperBound)
            }
        }
        kept.append(merged)
        kept.sort { $0.lowerBound < $1.lowerBound }
        ranges = kept
    }

    /// Forgets everything at or past `size` (the file was cut there).
    mutating func truncate(to size: Int) {
        ranges = ranges.compactMap { range in
            range.lowerBound >= size ? nil : range.lowerBound..<min(range.upperBound, size)
        }
    }
}
