// Parquet's Thrift enums as raw-value structs, so a value written by a newer writer is kept, not rejected.

/// Physical storage type of a column (`Type` in parquet.thrift).
package struct PhysicalTypeCode: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let boolean = Self(rawValue: 0)
    package static let int32 = Self(rawValue: 1)
    package static let int64 = Self(rawValue: 2)
    package static let int96 = Self(rawValue: 3)
    package static let float = Self(rawValue: 4)
    package static let double = Self(rawValue: 5)
    package static let byteArray = Self(rawValue: 6)
    package static let fixedLenByteArray = Self(rawValue: 7)
}

/// Deprecated logical annotation, still written next to `LogicalType` for old readers.
package struct ConvertedType: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let utf8 = Self(rawValue: 0)
    package static let map = Self(rawValue: 1)
    package static let mapKeyValue = Self(rawValue: 2)
    package static let list = Self(rawValue: 3)
    package static let `enum` = Self(rawValue: 4)
    package static let decimal = Self(rawValue: 5)
    package static let date = Self(rawValue: 6)
    package static let timeMillis = Self(rawValue: 7)
    package static let timeMicros = Self(rawValue: 8)
    package static let timestampMillis = Self(rawValue: 9)
    package static let timestampMicros = Self(rawValue: 10)
    package static let uint8 = Self(rawValue: 11)
    package static let uint16 = Self(rawValue: 12)
    package static let uint32 = Self(rawValue: 13)
    package static let uint64 = Self(rawValue: 14)
    package static let int8 = Self(rawValue: 15)
    package static let int16 = Self(rawValue: 16)
    package static let int32 = Self(rawValue: 17)
    package static let int64 = Self(rawValue: 18)
    package static let json = Self(rawValue: 19)
    package static let bson = Self(rawValue: 20)
    package static let interval = Self(rawValue: 21)
}

/// `FieldRepetitionType`.
package struct RepetitionCode: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let required = Self(rawValue: 0)
    package static let optional = Self(rawValue: 1)
    package static let repeated = Self(rawValue: 2)
}

/// Page and column encodings.
package struct EncodingCode: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let plain = Self(rawValue: 0)
    package static let plainDictionary = Self(rawValue: 2)
    package static let rle = Self(rawValue: 3)
    package static let bitPacked = Self(rawValue: 4)
    package static let deltaBinaryPacked = Self(rawValue: 5)
    package static let deltaLengthByteArray = Self(rawValue: 6)
    package static let deltaByteArray = Self(rawValue: 7)
    package static let rleDictionary = Self(rawValue: 8)
    package static let byteStreamSplit = Self(rawValue: 9)
}

/// `CompressionCodec`.
package struct CompressionCodecCode: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let uncompressed = Self(rawValue: 0)
    package static let snappy = Self(rawValue: 1)
    package static let gzip = Self(rawValue: 2)
    package static let lzo = Self(rawValue: 3)
    package static let brotli = Self(rawValue: 4)
    package static let lz4 = Self(rawValue: 5)
    package static let zstd = Self(rawValue: 6)
    package static let lz4Raw = Self(rawValue: 7)
}

/// `PageType`.
package struct PageTypeCode: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let dataPage = Self(rawValue: 0)
    package static let indexPage = Self(rawValue: 1)
    package static let dictionaryPage = Self(rawValue: 2)
    package static let dataPageV2 = Self(rawValue: 3)
}

/// `BoundaryOrder` of a column index.
package struct BoundaryOrder: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let unordered = Self(rawValue: 0)
    package static let ascending = Self(rawValue: 1)
    package static let descending = Self(rawValue: 2)
}
