import Storage

extension JSONColumnDecoder {
    /// Typed column storage for the decoder, with a staged row that is committed or discarded whole.
    struct ColumnBuilder {
        let kinds: [Kind]
        /// Slot of each field in the array of its kind.
        let slots: [Int]
        var strings: [ParquetByteArrays]
        var doubles: [[Double]]
        var int32s: [[Int32]]
        var int64s: [[Int64]]
        var booleans: [[Bool]]
        /// Per field, whether each row has a value; empty until the field's first null (every row so
        /// far had one), so a column without nulls costs nothing here.
        var validity: [[Bool]]
        var hasNull: [Bool]
        /// Fields given a value in the row being parsed.
        var set: [Bool]
        private(set) var rows = 0

        init(fields: [Field]) {
            kinds = fields.map(\.kind)
            var counts = [Kind: Int]()
            var slots: [Int] = []
            for field in fields {
                let key: Kind =
                    switch field.kind {
                    case .timestampMicros: .int64
                    case .text: .string
                    default: field.kind
                    }
                slots.append(counts[key, default: 0])
                counts[key, default: 0] += 1
            }
            self.slots = slots
            strings = Array(repeating: ParquetByteArrays(), count: counts[.string, default: 0])
            doubles = Array(repeating: [], count: counts[.double, default: 0])
            int32s = Array(repeating: [], count: counts[.int32, default: 0])
            int64s = Array(repeating: [], count: counts[.int64, default: 0])
            booleans = Array(repeating: [], count: counts[.boolean, default: 0])
            validity = Array(repeating: [], count: fields.count)
            hasNull = Array(repeating: false, count: fields.count)
            set = Array(repeating: false, count: fields.count)
        }

        /// Reserves room for about `rows` rows and `textBytes` bytes of string values, so the columns
        /// do not grow (copy, fault in fresh pages) while a large input is decoded.
        mutating func reserve(rows: Int, textBytes: Int) {
            let perString = strings.isEmpty ? 0 : textBytes / strings.count
            for index in strings.indices {
                strings[index].offsets.reserveCapacity(rows + 1)
                strings[index].bytes.reserveCapacity(perString)
            }
            for index in doubles.indices { doubles[index].reserveCapacity(rows) }
            for index in int32s.indices { int32s[index].reserveCapacity(rows) }
            for index in int64s.indices { int64s[index].reserveCapacity(rows) }
            for index in booleans.indices { booleans[index].reserveCapacity(rows) }
        }

        mutating func appendString(_ field: Int, _ bytes: UnsafeRawBufferPointer) {
            strings[slots[field]].append(bytes: bytes)
            set[field] = true
        }

        mutating func appendDouble(_ field: Int, _ value: Double) {
            doubles[slots[field]].append(value)
            set[field] = true
        }

        mutating func appendInt32(_ field: Int, _ value: Int32) {
            int32s[slots[field]].append(value)
            set[field] = true
        }

        mutating func appendInt64(_ field: Int, _ value: Int64) {
            int64s[slots[field]].append(value)
            set[field] = true
        }

        mutating func appendBoolean(_ field: Int, _ value: Bool) {
            booleans[slots[field]].append(value)
            set[field] = true
        }

        /// Ends the row: fields without a value are null.
        mutating func commitRow() {
            for field in set.indices {
                if set[field] {
                    if hasNull[field] { validity[field].append(true) }
                    set[field] = false
                } else {
                    if !hasNull[field] {
                        validity[field] = Array(repeating: true, count: rows)
                        hasNull[field] = true
                    }
                    validity[field].append(false)
                }
            }
            rows += 1
        }

        /// Drops the values the row being parsed had set.
        mutating func discardRow() {
            for field in set.indices where set[field] {
                let slot = slots[field]
                switch kinds[field] {
                case .string, .text:
                    strings[slot].offsets.removeLast()
                    strings[slot].bytes.removeLast(strings[slot].bytes.count - Int(strings[slot].offsets.last ?? 0))
                case .double: doubles[slot].removeLast()
                case .int32: int32s[slot].removeLast()
                case .int64, .timestampMicros: int64s[slot].removeLast()
                case .boolean: booleans[slot].removeLast()
                }
                set[field] = false
            }
        }

        /// The columns, in schema order.
        func finish() -> [ParquetColumnBuffer] {
            kinds.indices.map { field in
                let slot = slots[field]
                let values: ParquetColumnValues =
                    switch kinds[field] {
                    case .string, .text: .byteArray(strings[slot])
                    case .double: .double(doubles[slot])
                    case .int32: .int32(int32s[slot])
                    case .int64, .timestampMicros: .int64(int64s[slot])
                    case .boolean: .boolean(booleans[slot])
                    }
                return ParquetColumnBuffer(values, validity: hasNull[field] ? validity[field] : nil)
            }
        }
    }
}
