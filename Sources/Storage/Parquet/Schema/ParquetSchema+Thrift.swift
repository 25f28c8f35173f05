// Mapping between the flat public schema and the footer's SchemaElement list.

extension ParquetColumn {
    /// The footer schema element: physical type, repetition, LogicalType and the matching ConvertedType.
    func schemaElement() -> SchemaElement {
        var e = SchemaElement(name: name)
        e.repetition = repetition == .required ? .required : .optional
        switch physicalType {
        case .boolean: e.type = .boolean
        case .int32: e.type = .int32
        case .int64: e.type = .int64
        case .int96: e.type = .int96
        case .float: e.type = .float
        case .double: e.type = .double
        case .byteArray: e.type = .byteArray
        case .fixedLenByteArray(let length):
            e.type = .fixedLenByteArray
            e.typeLength = Int32(length)
        }
        guard let logicalType else { return e }
        switch logicalType {
        case .string:
            e.logicalType = .string
            e.convertedType = .utf8
        case .json:
            e.logicalType = .json
            e.convertedType = .json
        case .enumeration:
            e.logicalType = .enum
            e.convertedType = .enum
        case .date:
            e.logicalType = .date
            e.convertedType = .date
        case .uuid: e.logicalType = .uuid
        case .float16: e.logicalType = .float16
        case .timestamp(let unit, let utc):
            e.logicalType = .timestamp(isAdjustedToUTC: utc, unit: unit)
            // The converted types mean UTC-adjusted instants; local timestamps get none.
            if utc { e.convertedType = unit == .millis ? .timestampMillis : unit == .micros ? .timestampMicros : nil }
        case .time(let unit, let utc):
            e.logicalType = .time(isAdjustedToUTC: utc, unit: unit)
            if utc { e.convertedType = unit == .millis ? .timeMillis : unit == .micros ? .timeMicros : nil }
        case .decimal(let precision, let scale):
            e.logicalType = .decimal(scale: Int32(scale), precision: Int32(precision))
            e.convertedType = .decimal
            e.scale = Int32(scale)
            e.precision = Int32(precision)
        case .integer(let bits, let signed):
            e.logicalType = .integer(bitWidth: Int8(bits), isSigned: signed)
            switch (bits, signed) {
            case (8, true): e.convertedType = .int8
            case (16, true): e.convertedType = .int16
            case (32, true): e.convertedType = .int32
            case (64, true): e.convertedType = .int64
            case (8, false): e.convertedType = .uint8
            case (16, false): e.convertedType = .uint16
            case (32, false): e.convertedType = .uint32
            default: e.convertedType = .uint64
            }
        }
        return e
    }

    /// A flat column from a leaf schema element (logical type from LogicalType, else from ConvertedType).
    static func from(element e: SchemaElement, name: String) throws(ParquetError) -> ParquetColumn {
        let physical: ParquetPhysicalType
        switch e.type {
        case .boolean?: physical = .boolean
        case .int32?: physical = .int32
        case .int64?: physical = .int64
        case .int96?: physical = .int96
        case .float?: physical = .float
        case .double?: physical = .double
        case .byteArray?: physical = .byteArray
        case .fixedLenByteArray?:
            guard let length = e.typeLength, length > 0 else {
                throw .corrupt("FIXED_LEN_BYTE_ARRAY '\(name)' without a length")
            }
            physical = .fixedLenByteArray(length: Int(length))
        default: throw .unsupported("physical type \(e.type?.rawValue ?? -1) of column '\(name)'")
        }
        let repetition: ParquetRepetition = e.repetition == .required ? .required : .optional
        return ParquetColumn(name: name, physicalType: physical, logicalType: logical(e), repetition: repetition)
    }

    private static func logical(_ e: SchemaElement) -> ParquetLogicalType? {
        switch e.logicalType {
        case .string?: return .string
        case .json?: return .json
        case .enum?: return .enumeration
        case .date?: return .date
        case .uuid?: return .uuid
        case .float16?: return .float16
        case .timestamp(let utc, let unit)?: return .timestamp(unit: unit, isAdjustedToUTC: utc)
        case .time(let utc, let unit)?: return .time(unit: unit, isAdjustedToUTC: utc)
        case .decimal(let scale, let precision)?: return .decimal(precision: Int(precision), scale: Int(scale))
        case .integer(let bits, let signed)?: return .integer(bitWidth: Int(bits), isSigned: signed)
        case .some: return nil
        case nil: break
        }
        switch e.convertedType {
        case .utf8?: return .string
        case .json?: return .json
        case .enum?: return .enumeration
        case .date?: return .date
        case .timestampMillis?: return .timestamp(unit: .millis, isAdjustedToUTC: true)
        case .timestampMicros?: return .timestamp(unit: .micros, isAdjustedToUTC: true)
        case .timeMillis?: return .time(unit: .millis, isAdjustedToUTC: true)
        case .timeMicros?: return .time(unit: .micros, isAdjustedToUTC: true)
        case .decimal?: return .decimal(precision: Int(e.precision ?? 0), scale: Int(e.scale ?? 0))
        case .int8?: return .integer(bitWidth: 8, isSigned: true)
        case .int16?: return .integer(bitWidth: 16, isSigned: true)
        case .int32?: return .integer(bitWidth: 32, isSigned: true)
        case .int64?: return .integer(bitWidth: 64, isSigned: true)
        case .uint8?: return .integer(bitWidth: 8, isSigned: false)
        case .uint16?: return .integer(bitWidth: 16, isSigned: false)
        case .uint32?: return .integer(bitWidth: 32, isSigned: false)
        case .uint64?: return .integer(bitWidth: 64, isSigned: false)
        default: return nil
        }
    }
}
