/// Writes a whole Parquet file of nested records (structs, lists, maps) in one row group: records are
/// shredded into the repetition and definition levels of every leaf column (Dremel's algorithm), each
/// leaf one PLAIN data page (v1) without compression. Meant for small files other tools read, such as
/// Delta Lake checkpoints; flat tables go through `ParquetFileWriter`.
package enum ParquetNestedWriter {
    /// The file's bytes: `records` (one value per top-level node each) under `schema`.
    package static func encode(schema: [ParquetNode], records: [[ParquetValue]], createdBy: String? = nil)
        throws(ParquetError) -> [UInt8]
    {
        let leaves = try shred(schema: schema, records: records)
        var file = ParquetFileWriter.magic
        var chunks: [ColumnChunk] = []
        var totalSize: Int64 = 0
        for leaf in leaves {
            let (chunk, size) = try writeChunk(leaf, at: file.count, into: &file)
            chunks.append(chunk)
            totalSize += size
        }
        var group = RowGroup()
        group.columns = chunks
        group.numRows = Int64(records.count)
        group.totalByteSize = totalSize
        group.fileOffset = Int64(ParquetFileWriter.magic.count)
        group.totalCompressedSize = totalSize
        group.ordinal = 0

        var metadata = FileMetaData()
        var root = SchemaElement(name: "schema")
        root.numChildren = Int32(schema.count)
        metadata.schema = [root]
        for node in schema { appendElements(node, to: &metadata.schema) }
        metadata.numRows = Int64(records.count)
        metadata.rowGroups = records.isEmpty ? [] : [group]
        metadata.createdBy = createdBy
        let footer = metadata.encoded()
        file.append(contentsOf: footer)
        appendLittleEndian(UInt32(footer.count), to: &file)
        file.append(contentsOf: ParquetFileWriter.magic)
        return file
    }

    // MARK: Levels

    /// Every leaf column of `schema` with the levels and values of `records`.
    static func shred(schema: [ParquetNode], records: [[ParquetValue]]) throws(ParquetError) -> [LeafLevels] {
        var leaves: [LeafLevels] = []
        for node in schema { collectLeaves(node, path: [], maxDefinition: 0, maxRepetition: 0, into: &leaves) }
        for (index, record) in records.enumerated() {
            guard record.count == schema.count else {
                throw .invalidArgument("record \(index) has \(record.count) fields for \(schema.count)")
            }
            var leaf = 0
            for (node, value) in zip(schema, record) {
                try shred(node, value, definition: 0, repetition: 0, repeatedDepth: 0, leaf: &leaf, into: &leaves)
            }
        }
        return leaves
    }

    /// One leaf column's path, level limits, and the levels and values shredded so far.
    struct LeafLevels {
        var column: ParquetColumn
        var path: [String]
        var maxDefinition: Int
        var maxRepetition: Int
        var definitions: [UInt32] = []
        var repetitions: [UInt32] = []
        var values: [ParquetValue] = []
    }

    private static func collectLeaves(
        _ node: ParquetNode, path: [String], maxDefinition: Int, maxRepetition: Int, into leaves: inout [LeafLevels]
    ) {
        let definition = maxDefinition + (node.isOptional ? 1 : 0)
        let here = path + [node.name]
        switch node {
        case .leaf(let column):
            leaves.append(
                LeafLevels(column: column, path: here, maxDefinition: definition, maxRepetition: maxRepetition))
        case .group(_, _, let children):
            for child in children {
                collectLeaves(
                    child, path: here, maxDefinition: definition, maxRepetition: maxRepetition, into: &leaves)
            }
        case .list(_, _, let element):
            collectLeaves(
                element, path: here + ["list"], maxDefinition: definition + 1, maxRepetition: maxRepetition + 1,
                into: &leaves)
        case .map(_, _, let key, let value):
            for child in ParquetNode.keyValue(key: key, value: value) {
                collectLeaves(
                    child, path: here + ["key_value"], maxDefinition: definition + 1,
                    maxRepetition: maxRepetition + 1, into: &leaves)
            }
        }
    }

    /// The number of leaf columns under `node`.
    private static func leafCount(_ node: ParquetNode) -> Int {
        switch node {
        case .leaf: 1
        case .group(_, _, let children): children.reduce(0) { $0 + leafCount($1) }
        case .list(_, _, let element): leafCount(element)
        case .map(_, _, _, let value): 1 + leafCount(value)
        }
    }

    /// Appends the levels (and value) `value` gives every leaf under `node`, starting at leaf `leaf`.
    /// `definition` counts the optional and repeated ancestors that are present; `repetition` is the
    /// level this value repeats at; `repeatedDepth` counts the repeated ancestors.
    private static func shred(
        _ node: ParquetNode, _ value: ParquetValue, definition: Int, repetition: Int, repeatedDepth: Int,
        leaf: inout Int, into leaves: inout [LeafLevels]
    ) throws(ParquetError) {
        if value == .null {
            guard node.isOptional else { throw .invalidArgument("null in required field '\(node.name)'") }
            for index in leaf..<(leaf + leafCount(node)) {
                leaves[index].definitions.append(UInt32(definition))
                leaves[index].repetitions.append(UInt32(repetition))
            }
            leaf += leafCount(node)
            return
        }
        let present = definition + (node.isOptional ? 1 : 0)
        switch (node, value) {
        case (.leaf(let column), _):
            guard matches(value, column) else {
                throw .invalidArgument("value \(value) does not fit column '\(column.name)'")
            }
            leaves[leaf].definitions.append(UInt32(present))
            leaves[leaf].repetitions.append(UInt32(repetition))
            leaves[leaf].values.append(value)
            leaf += 1
        case (.group(let name, _, let children), .group(let fields)):
            guard fields.count == children.count else {
                throw .invalidArgument("'\(name)' has \(children.count) fields, the value \(fields.count)")
            }
            for (child, field) in zip(children, fields) {
                try shred(
                    child, field, definition: present, repetition: repetition, repeatedDepth: repeatedDepth,
                    leaf: &leaf, into: &leaves)
            }
        case (.list(_, _, let element), .list(let items)):
            try shredRepeated(
                [element], items.map { [$0] }, definition: present, repetition: repetition,
                repeatedDepth: repeatedDepth, leaf: &leaf, into: &leaves)
        case (.map(_, _, let key, let valueNode), .map(let entries)):
            try shredRepeated(
                ParquetNode.keyValue(key: key, value: valueNode), entries.map { [$0.key, $0.value] },
                definition: present, repetition: repetition, repeatedDepth: repeatedDepth, leaf: &leaf,
                into: &leaves)
        default:
            throw .invalidArgument("value \(value) does not fit '\(node.name)'")
        }
    }

    /// The repeated group of a list or map: no entries leave every leaf at `definition`; each entry adds
    /// a definition level, and entries after the first repeat at this group's level.
    private static func shredRepeated(
        _ children: [ParquetNode], _ entries: [[ParquetValue]], definition: Int, repetition: Int,
        repeatedDepth: Int, leaf: inout Int, into leaves: inout [LeafLevels]
    ) throws(ParquetError) {
        let count = children.reduce(0) { $0 + leafCount($1) }
        guard !entries.isEmpty else {
            for index in leaf..<(leaf + count) {
                leaves[index].definitions.append(UInt32(definition))
                leaves[index].repetitions.append(UInt32(repetition))
            }
            leaf += count
            return
        }
        let first = leaf
        for (position, entry) in entries.enumerated() {
            leaf = first
            for (child, field) in zip(children, entry) {
                try shred(
                    child, field, definition: definition + 1,
                    repetition: position == 0 ? repetition : repeatedDepth + 1, repeatedDepth: repeatedDepth + 1,
                    leaf: &leaf, into: &leaves)
            }
        }
    }

    private static func matches(_ value: ParquetValue, _ column: ParquetColumn) -> Bool {
        switch (value, column.physicalType) {
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double),
            (.bytes, .byteArray):
            true
        case (.bytes(let bytes), .fixedLenByteArray(let length)): bytes.count == length
        default: false
        }
    }

    // MARK: Pages and footer

    private static func writeChunk(_ leaf: LeafLevels, at offset: Int, into file: inout [UInt8])
        throws(ParquetError) -> (ColumnChunk, Int64)
    {
        var body: [UInt8] = []
        for (levels, maximum) in [(leaf.repetitions, leaf.maxRepetition), (leaf.definitions, leaf.maxDefinition)]
        where maximum > 0 {
            var encoded: [UInt8] = []
            RLEHybridEncoder.encode(levels, bitWidth: bitWidth(of: UInt64(maximum)), into: &encoded)
            appendLittleEndian(UInt32(encoded.count), to: &body)
            body.append(contentsOf: encoded)
        }
        var flags: [Bool] = []
        for value in leaf.values {
            switch value {
            case .boolean(let v): flags.append(v)
            case .int32(let v): appendLittleEndian(v, to: &body)
            case .int64(let v): appendLittleEndian(v, to: &body)
            case .float(let v): appendLittleEndian(v.bitPattern, to: &body)
            case .double(let v): appendLittleEndian(v.bitPattern, to: &body)
            case .bytes(let v):
                if case .byteArray = leaf.column.physicalType { appendLittleEndian(UInt32(v.count), to: &body) }
                body.append(contentsOf: v)
            default: break
            }
        }
        // PLAIN booleans are bit-packed, least significant bit first.
        if !flags.isEmpty { PlainEncoder.appendBooleans(flags[...], to: &body) }
        guard body.count <= Int(Int32.max), leaf.definitions.count <= Int(Int32.max) else {
            throw .sizeLimitExceeded(what: "nested column chunk", size: body.count, limit: Int(Int32.max))
        }
        var header = PageHeader(
            type: .dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(body.count))
        header.dataPageHeader = DataPageHeader(numValues: Int32(leaf.definitions.count), encoding: .plain)
        let headerBytes = header.encoded()
        file.append(contentsOf: headerBytes)
        file.append(contentsOf: body)

        var metadata = ColumnMetaData()
        metadata.type = leaf.column.schemaElement().type ?? .byteArray
        metadata.encodings = [.plain, .rle]
        metadata.pathInSchema = leaf.path
        metadata.codec = .uncompressed
        metadata.numValues = Int64(leaf.definitions.count)
        let size = Int64(headerBytes.count + body.count)
        metadata.totalUncompressedSize = size
        metadata.totalCompressedSize = size
        metadata.dataPageOffset = Int64(offset)
        var statistics = Statistics()
        statistics.nullCount = Int64(leaf.definitions.count - leaf.values.count)
        metadata.statistics = statistics
        var chunk = ColumnChunk()
        chunk.fileOffset = Int64(offset)
        chunk.metaData = metadata
        return (chunk, size)
    }

    private static func appendElements(_ node: ParquetNode, to elements: inout [SchemaElement]) {
        func group(_ name: String, _ repetition: RepetitionCode, children: Int) -> SchemaElement {
            var element = SchemaElement(name: name)
            element.repetition = repetition
            element.numChildren = Int32(children)
            return element
        }
        let repetition: RepetitionCode = node.isOptional ? .optional : .required
        switch node {
        case .leaf(let column):
            elements.append(column.schemaElement())
        case .group(let name, _, let children):
            elements.append(group(name, repetition, children: children.count))
            for child in children { appendElements(child, to: &elements) }
        case .list(let name, _, let element):
            var outer = group(name, repetition, children: 1)
            outer.convertedType = .list
            outer.logicalType = .list
            elements.append(outer)
            elements.append(group("list", .repeated, children: 1))
            appendElements(element, to: &elements)
        case .map(let name, _, let key, let value):
            var outer = group(name, repetition, children: 1)
            outer.convertedType = .map
            outer.logicalType = .map
            elements.append(outer)
            elements.append(group("key_value", .repeated, children: 2))
            for child in ParquetNode.keyValue(key: key, value: value) { appendElements(child, to: &elements) }
        }
    }
}
