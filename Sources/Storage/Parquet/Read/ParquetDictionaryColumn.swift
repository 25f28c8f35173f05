/// A dictionary-encoded column chunk as it is stored: the distinct values once, and for each row the
/// index of its value.
public struct ParquetDictionaryColumn: Sendable {
    /// The dictionary page's values, then (byte arrays) the values of PLAIN pages written after the
    /// writer's dictionary filled up, one entry per row: an entry may repeat another.
    public var dictionary: ParquetColumnValues
    /// One index into `dictionary` per row, each checked to lie inside it.
    public var indices: [UInt32]

    public init(dictionary: ParquetColumnValues, indices: [UInt32]) {
        self.dictionary = dictionary
        self.indices = indices
    }
}
