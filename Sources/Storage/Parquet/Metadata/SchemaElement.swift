/// One node of the depth-first schema list in the footer.
package struct SchemaElement: Sendable, Hashable {
    package var type: PhysicalTypeCode?
    package var typeLength: Int32?
    package var repetition: RepetitionCode?
    package var name: String
    package var numChildren: Int32?
    package var convertedType: ConvertedType?
    package var scale: Int32?
    package var precision: Int32?
    package var fieldID: Int32?
    package var logicalType: LogicalType?

    package init(name: String) { self.name = name }

    func write(to w: inout ThriftCompactWriter) {
        if let type { w.writeI32(1, type.rawValue) }
        if let typeLength { w.writeI32(2, typeLength) }
        if let repetition { w.writeI32(3, repetition.rawValue) }
        w.writeString(4, name)
        if let numChildren { w.writeI32(5, numChildren) }
        if let convertedType { w.writeI32(6, convertedType.rawValue) }
        if let scale { w.writeI32(7, scale) }
        if let precision { w.writeI32(8, precision) }
        if let fieldID { w.writeI32(9, fieldID) }
        if let logicalType {
            w.writeFieldHeader(10, .struct)
            logicalType.write(to: &w)
        }
    }

    static func read(from r: inout ThriftCompactReader) throws(ParquetError) -> SchemaElement {
        var element = SchemaElement(name: "")
        var hasName = false
        try r.beginStruct()
        while let field = try r.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): element.type = PhysicalTypeCode(rawValue: try r.readI32())
            case (2, .i32): element.typeLength = try r.readI32()
            case (3, .i32): element.repetition = RepetitionCode(rawValue: try r.readI32())
            case (4, .binary):
                element.name = try r.readString()
                hasName = true
            case (5, .i32): element.numChildren = try r.readI32()
            case (6, .i32): element.convertedType = ConvertedType(rawValue: try r.readI32())
            case (7, .i32): element.scale = try r.readI32()
            case (8, .i32): element.precision = try r.readI32()
            case (9, .i32): element.fieldID = try r.readI32()
            case (10, .struct): element.logicalType = try LogicalType.read(from: &r)
            default: try r.skip(field.type)
            }
        }
        guard hasName else { throw .corrupt("schema element without a name") }
        return element
    }
}
