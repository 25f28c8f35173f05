/// Reading whole records of any shape: structs, lists and maps (the three-level forms, and the older
/// two-level and unannotated repeated fields, read as pyarrow reads them) assembled from every leaf's
/// repetition and definition levels.
extension ParquetFileReader {
    /// The file's top-level fields as logical nodes: LIST and MAP groups become `.list` and `.map`, an
    /// unannotated repeated field a `.list` of its required self.
    package func nestedSchema() throws(ParquetError) -> [ParquetNode] {
        try physicalTree().map { (node) throws(ParquetError) in try node.logical() }
    }

    /// The records of row group `index`, one value per top-level field each, shaped by `nestedSchema()`.
    package func readRecords(ofRowGroup index: Int) throws(ParquetError) -> [[ParquetValue]] {
        guard index >= 0, index < metadata.rowGroups.count else {
            throw .invalidArgument("row group \(index) out of \(metadata.rowGroups.count)")
        }
        let group = metadata.rowGroups[index]
        let rowCount = Int(group.numRows)
        var columns: [LeafData] = []
        for (leafIndex, leaf) in leaves.enumerated() {
            let column: ParquetColumn
            if let flat = leaf.column {
                column = flat
            } else {
                column = try ParquetColumn.from(element: leaf.element, name: leaf.element.name)
            }
            let chunk = group.columns[leafIndex]
            guard let meta = chunk.metaData else { throw .corrupt("column chunk without metadata") }
            if meta.numValues == 0 && rowCount == 0 {
                columns.append(LeafData(leaf: leaf, values: ValueAccumulator(column.physicalType).values))
                continue
            }
            let bytes = try chunkBytes(group: group, leafIndex: leafIndex)
            var reader = try ColumnChunkReader(
                nestedLeaf: leaf, column: column, metadata: meta, configuration: configuration)
            let (values, definitions, repetitions) = try reader.readLevels(bytes, rowCount: rowCount)
            columns.append(
                LeafData(leaf: leaf, values: values, definitions: definitions, repetitions: repetitions))
        }
        var assembler = RecordAssembler(leaves: columns)
        let tree = try physicalTree()
        var records: [[ParquetValue]] = []
        records.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            var record: [ParquetValue] = []
            for node in tree { record.append(try assembler.field(node)) }
            records.append(record)
        }
        try assembler.checkConsumed()
        return records
    }

    /// The schema as a tree of physical nodes, each knowing its leaves and levels.
    func physicalTree() throws(ParquetError) -> [PhysicalNode] {
        var index = 1
        var leaf = 0
        guard let root = metadata.schema.first else { throw .corrupt("empty schema") }
        var nodes: [PhysicalNode] = []
        for _ in 0..<Int(root.numChildren ?? 0) {
            nodes.append(
                try PhysicalNode.build(metadata.schema, at: &index, leaf: &leaf, definition: 0, repetition: 0, depth: 0)
            )
        }
        return nodes
    }
}

/// One element of the file's schema with its children.
struct PhysicalNode {
    var element: SchemaElement
    var children: [PhysicalNode]
    /// The definition level when this node is present, and the repeated nodes down to it.
    var definition: Int
    var repetition: Int
    var leaves: Range<Int>

    var isRepeated: Bool { element.repetition == .repeated }
    var isOptional: Bool { element.repetition == .optional }
    var isLeaf: Bool { children.isEmpty && element.type != nil }
    var isList: Bool { element.convertedType == .list || element.logicalType == .list }
    var isMap: Bool {
        element.convertedType == .map || element.convertedType == .mapKeyValue || element.logicalType == .map
    }

    static func build(
        _ schema: [SchemaElement], at index: inout Int, leaf: inout Int, definition: Int, repetition: Int, depth: Int
    ) throws(ParquetError) -> PhysicalNode {
        guard index < schema.count, depth < 64 else { throw .corrupt("schema tree out of bounds") }
        let element = schema[index]
        index += 1
        let optionalOrRepeated = element.repetition == .optional || element.repetition == .repeated
        let here = definition + (optionalOrRepeated ? 1 : 0)
        let repeated = repetition + (element.repetition == .repeated ? 1 : 0)
        let first = leaf
        var children: [PhysicalNode] = []
        let count = Int(element.numChildren ?? 0)
        if count > 0 || element.type == nil {
            guard count > 0 else { throw .corrupt("group '\(element.name)' without children") }
            for _ in 0..<count {
                children.append(
                    try build(schema, at: &index, leaf: &leaf, definition: here, repetition: repeated, depth: depth + 1)
                )
            }
        } else {
            leaf += 1
        }
        return PhysicalNode(
            element: element, children: children, definition: here, repetition: repeated, leaves: first..<leaf)
    }

    /// The repeated child of a LIST or MAP group, and what one of its entries holds.
    func repeatedChild() throws(ParquetError) -> PhysicalNode {
        guard children.count == 1, children[0].isRepeated else {
            throw .unsupported("\(isList ? "LIST" : "MAP") '\(element.name)' without one repeated child")
        }
        return children[0]
    }

    /// Whether a LIST's repeated child is the three-level `list` wrapper around the element (else it is
    /// the element itself: a repeated leaf, a struct of several fields, or the older `array` and
    /// `<name>_tuple` groups).
    func wrapsElement(_ child: PhysicalNode) -> Bool {
        !child.isLeaf && child.children.count == 1 && child.element.name != "array"
            && child.element.name != element.name + "_tuple"
    }

    /// The logical node: what `readRecords` shapes this node's values as.
    func logical(asElement: Bool = false) throws(ParquetError) -> ParquetNode {
        let repetition: ParquetRepetition = isOptional ? .optional : .required
        if isRepeated && !asElement {
            return .list(name: element.name, repetition: .required, element: try logical(asElement: true))
        }
        if isLeaf {
            var column = try ParquetColumn.from(element: element, name: element.name)
            column.repetition = asElement && isRepeated ? .required : repetition
            return .leaf(column)
        }
        if isList {
            let child = try repeatedChild()
            let item = wrapsElement(child) ? try child.children[0].logical() : try child.logical(asElement: true)
            return .list(name: element.name, repetition: repetition, element: item)
        }
        if isMap {
            let child = try repeatedChild()
            guard child.children.count == 2, case .leaf(let key) = try child.children[0].logical() else {
                throw .unsupported("MAP '\(element.name)' whose entries are not a key leaf and a value")
            }
            return .map(name: element.name, repetition: repetition, key: key, value: try child.children[1].logical())
        }
        return .group(
            name: element.name, repetition: asElement ? .required : repetition,
            children: try children.map { (child) throws(ParquetError) in try child.logical() })
    }
}

/// A leaf column's decoded values and levels.
struct LeafData {
    var leaf: LeafColumn
    var values: ParquetColumnValues
    var definitions: [UInt16] = []
    var repetitions: [UInt16] = []
}

/// Rebuilds records from leaf levels, one field at a time, each leaf's level cursor moving as its
/// entries are used; every check that can fail on a corrupt file throws.
struct RecordAssembler {
    var leaves: [LeafData]
    private var cursors: [Int]
    private var valueCursors: [Int]

    init(leaves: [LeafData]) {
        self.leaves = leaves
        cursors = Array(repeating: 0, count: leaves.count)
        valueCursors = Array(repeating: 0, count: leaves.count)
    }

    /// The value of `node` in its parent's current occurrence.
    mutating func field(_ node: PhysicalNode) throws(ParquetError) -> ParquetValue {
        if node.isRepeated { return .list(try entries(of: node) { (a, n) throws(ParquetError) in try a.present(n) }) }
        if node.isOptional, try definition(at: node) < node.definition {
            try skip(node)
            return .null
        }
        return try present(node)
    }

    /// The value of `node`, which is present.
    mutating func present(_ node: PhysicalNode) throws(ParquetError) -> ParquetValue {
        if node.isLeaf { return try value(of: node.leaves.lowerBound, at: node.definition) }
        if node.isList {
            let child = try node.repeatedChild()
            if node.wrapsElement(child) {
                let element = child.children[0]
                return .list(try entries(of: child) { (a, _) throws(ParquetError) in try a.field(element) })
            }
            return .list(try entries(of: child) { (a, n) throws(ParquetError) in try a.present(n) })
        }
        if node.isMap {
            let child = try node.repeatedChild()
            guard child.children.count == 2 else { throw .unsupported("MAP entries of \(child.children.count) fields") }
            return .map(
                try entries(of: child) { (a, n) throws(ParquetError) in
                    ParquetValue.MapEntry(try a.field(n.children[0]), try a.field(n.children[1]))
                })
        }
        var fields: [ParquetValue] = []
        for child in node.children { fields.append(try field(child)) }
        return .group(fields)
    }

    /// The entries of repeated `node` in the current occurrence of its parent (none when the first
    /// leaf's definition level stops short of it), each read by `entry`.
    private mutating func entries<Entry>(
        of node: PhysicalNode, _ entry: (inout RecordAssembler, PhysicalNode) throws(ParquetError) -> Entry
    ) throws(ParquetError) -> [Entry] {
        if try definition(at: node) < node.definition {
            try skip(node)
            return []
        }
        var items = [try entry(&self, node)]
        while let next = repetition(at: node), next == node.repetition {
            items.append(try entry(&self, node))
        }
        return items
    }

    /// The definition level of the first leaf under `node` at its cursor.
    private func definition(at node: PhysicalNode) throws(ParquetError) -> Int {
        let leaf = node.leaves.lowerBound
        let data = leaves[leaf]
        guard data.leaf.maxDefinitionLevel > 0 else { return 0 }
        guard cursors[leaf] < data.definitions.count else {
            throw .corrupt("column '\(data.leaf.dottedPath)' ends before its records do")
        }
        return Int(data.definitions[cursors[leaf]])
    }

    /// The repetition level of the first leaf under `node` at its cursor; nil at the chunk's end.
    private func repetition(at node: PhysicalNode) -> Int? {
        let leaf = node.leaves.lowerBound
        let data = leaves[leaf]
        guard data.leaf.maxRepetitionLevel > 0 else { return nil }
        return cursors[leaf] < data.repetitions.count ? Int(data.repetitions[cursors[leaf]]) : nil
    }

    /// Steps every leaf under `node` past its entry for a null or empty `node`.
    private mutating func skip(_ node: PhysicalNode) throws(ParquetError) {
        for leaf in node.leaves {
            let data = leaves[leaf]
            guard data.leaf.maxDefinitionLevel > 0, cursors[leaf] < data.definitions.count,
                data.definitions[cursors[leaf]] < node.definition
            else { throw .corrupt("column '\(data.leaf.dottedPath)' disagrees with its siblings' levels") }
            cursors[leaf] += 1
        }
    }

    /// The value of leaf `leaf` at its cursor, which must be defined at `definition`.
    private mutating func value(of leaf: Int, at definition: Int) throws(ParquetError) -> ParquetValue {
        let data = leaves[leaf]
        if data.leaf.maxDefinitionLevel > 0 {
            guard cursors[leaf] < data.definitions.count, Int(data.definitions[cursors[leaf]]) == definition else {
                throw .corrupt("column '\(data.leaf.dottedPath)' has no value where its levels promise one")
            }
        } else if data.leaf.maxRepetitionLevel == 0 && cursors[leaf] >= data.values.count {
            throw .corrupt("column '\(data.leaf.dottedPath)' ends before its records do")
        }
        cursors[leaf] += 1
        let index = valueCursors[leaf]
        guard index < data.values.count else {
            throw .corrupt("column '\(data.leaf.dottedPath)' has fewer values than its levels")
        }
        valueCursors[leaf] += 1
        switch data.values {
        case .boolean(let v): return .boolean(v[index])
        case .int32(let v): return .int32(v[index])
        case .int64(let v): return .int64(v[index])
        case .float(let v): return .float(v[index])
        case .double(let v): return .double(v[index])
        case .byteArray(let v), .fixedLenByteArray(let v): return .bytes(Array(v[index]))
        }
    }

    /// Every level and value was used.
    func checkConsumed() throws(ParquetError) {
        for (leaf, data) in leaves.enumerated() {
            let levels = max(data.definitions.count, data.repetitions.count)
            guard levels == 0 || cursors[leaf] == levels, valueCursors[leaf] == data.values.count else {
                throw .corrupt("column '\(data.leaf.dottedPath)' has levels or values no record uses")
            }
        }
    }
}
