/// A leaf of the file's schema tree, in column-chunk order.
struct LeafColumn: Sendable {
    /// Names from the root's child down to the leaf.
    var path: [String]
    var element: SchemaElement
    /// The flat column, or nil when the leaf sits inside a group or is repeated.
    var column: ParquetColumn?
    var maxDefinitionLevel: Int
    /// The repeated fields on its path, itself included.
    var maxRepetitionLevel = 0

    var dottedPath: String { path.joined(separator: ".") }

    /// Flattens the depth-first schema list, checking child counts so a bad count cannot loop or overrun.
    static func resolve(_ schema: [SchemaElement]) throws(ParquetError) -> [LeafColumn] {
        guard let root = schema.first else { throw .corrupt("empty schema") }
        var leaves: [LeafColumn] = []
        var index = 1
        // Stack of (children still to visit, path, max definition and repetition levels, repeated or nested).
        var stack: [(remaining: Int, path: [String], definition: Int, repetition: Int, nested: Bool)] = [
            (Int(root.numChildren ?? 0), [], 0, 0, false)
        ]
        guard (root.numChildren ?? 0) >= 0 else { throw .corrupt("negative num_children") }
        while var top = stack.popLast() {
            guard top.remaining > 0 else { continue }
            top.remaining -= 1
            stack.append(top)
            guard index < schema.count else { throw .corrupt("schema has fewer elements than num_children declares") }
            let element = schema[index]
            index += 1
            let definition = top.definition + (element.repetition == .required || element.repetition == nil ? 0 : 1)
            let path = top.path + [element.name]
            let repeated = element.repetition == .repeated
            let repetition = top.repetition + (repeated ? 1 : 0)
            if let children = element.numChildren, children > 0 || element.type == nil {
                guard children >= 0, children <= schema.count - index else {
                    throw .corrupt("bad num_children \(children)")
                }
                guard stack.count < 64 else { throw .corrupt("schema nested deeper than 64 levels") }
                stack.append((Int(children), path, definition, repetition, true))
            } else {
                let flat = !top.nested && !repeated
                let column = flat ? try ParquetColumn.from(element: element, name: element.name) : nil
                leaves.append(
                    LeafColumn(
                        path: path, element: element, column: column, maxDefinitionLevel: definition,
                        maxRepetitionLevel: repetition))
            }
        }
        guard index == schema.count else { throw .corrupt("schema has elements outside the tree") }
        return leaves
    }
}
