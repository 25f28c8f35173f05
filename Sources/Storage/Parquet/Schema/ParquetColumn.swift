/// Physical type of a column: how its values are stored.
public enum ParquetPhysicalType: Sendable, Hashable {
    case boolean, int32, int64
    /// 96-bit legacy timestamp; read only (returned as Int64 microseconds since the epoch).
    case int96
    case float, double, byteArray
    case fixedLenByteArray(length: Int)
}

/// Logical type of a column: how to interpret its physical values.
public enum ParquetLogicalType: Sendable, Hashable {
    /// UTF-8 text on BYTE_ARRAY.
    case string
    /// Days since 1970-01-01 on INT32.
    case date
    /// Time since the epoch on INT64; `isAdjustedToUTC` true for an instant, false for local time.
    case timestamp(unit: ParquetTimeUnit, isAdjustedToUTC: Bool)
    /// Time of day (INT32 millis, INT64 micros/nanos).
    case time(unit: ParquetTimeUnit, isAdjustedToUTC: Bool)
    /// Unscaled integer × 10^-scale on INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY (big-endian two's complement).
    case decimal(precision: Int, scale: Int)
    /// 16-byte FIXED_LEN_BYTE_ARRAY.
    case uuid
    /// Integer of 8, 16, 32 or 64 bits, signed or not, on INT32 or INT64.
    case integer(bitWidth: Int, isSigned: Bool)
    case json
    case enumeration
    case float16
}

/// Whether a column may hold nulls.
public enum ParquetRepetition: Sendable, Hashable {
    case required, optional
}

/// One flat column of a Parquet schema.
public struct ParquetColumn: Sendable, Hashable {
    public var name: String
    public var physicalType: ParquetPhysicalType
    public var logicalType: ParquetLogicalType?
    public var repetition: ParquetRepetition

    public init(
        name: String, physicalType: ParquetPhysicalType, logicalType: ParquetLogicalType? = nil,
        repetition: ParquetRepetition = .optional
    ) {
        self.name = name
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.repetition = repetition
    }

    public static func boolean(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .boolean, repetition: repetition)
    }
    public static func int32(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .int32, repetition: repetition)
    }
    public static func int64(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .int64, repetition: repetition)
    }
    public static func float(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .float, repetition: repetition)
    }
    public static func double(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .double, repetition: repetition)
    }
    public static func binary(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .byteArray, repetition: repetition)
    }
    public static func string(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .byteArray, logicalType: .string, repetition: repetition)
    }
    public static func date(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .int32, logicalType: .date, repetition: repetition)
    }
    public static func timestamp(
        _ name: String, unit: ParquetTimeUnit = .micros, isAdjustedToUTC: Bool = true,
        _ repetition: ParquetRepetition = .optional
    ) -> Self {
        .init(
            name: name, physicalType: .int64, logicalType: .timestamp(unit: unit, isAdjustedToUTC: isAdjustedToUTC),
            repetition: repetition)
    }
    /// A decimal stored as INT32 (precision ≤ 9), INT64 (≤ 18) or a fixed-length array sized for the precision.
    public static func decimal(
        _ name: String, precision: Int, scale: Int, _ repetition: ParquetRepetition = .optional
    ) -> Self {
        let physical: ParquetPhysicalType =
            precision <= 9
            ? .int32 : precision <= 18 ? .int64 : .fixedLenByteArray(length: decimalByteLength(precision))
        return .init(
            name: name, physicalType: physical, logicalType: .decimal(precision: precision, scale: scale),
            repetition: repetition)
    }
    public static func uuid(_ name: String, _ repetition: ParquetRepetition = .optional) -> Self {
        .init(name: name, physicalType: .fixedLenByteArray(length: 16), logicalType: .uuid, repetition: repetition)
    }
    public static func integer(
        _ name: String, bitWidth: Int, isSigned: Bool, _ repetition: ParquetRepetition = .optional
    ) -> Self {
        .init(
            name: name, physicalType: bitWidth == 64 ? .int64 : .int32,
            logicalType: .integer(bitWidth: bitWidth, isSigned: isSigned), repetition: repetition)
    }

    /// Smallest byte count whose two's complement holds `precision` decimal digits.
    static func decimalByteLength(_ precision: Int) -> Int {
        var bytes = 1
        while bytes < 32 && Double(bytes * 8 - 1) * 0.30102999566398120 < Double(precision) { bytes += 1 }
        return bytes
    }

    /// Whether min/max statistics compare as unsigned integers (type-defined order).
    var usesUnsignedOrder: Bool {
        if case .integer(_, false) = logicalType { return true }
        return false
    }
}
