/// The durable state of a part file written in place: its length, rows and the metadata of its row
/// groups, enough to cut the file back after a crash and continue it, then write its footer.
public struct ParquetPartState: Sendable, Codable, Equatable {
    public var length: Int64
    public var rows: Int64
    /// The row groups, as a Thrift-encoded `FileMetaData` holding only them.
    public var rowGroups: [UInt8]

    public init(length: Int64, rows: Int64, rowGroups: [UInt8]) {
        self.length = length
        self.rows = rows
        self.rowGroups = rowGroups
    }
}
