extension Array {
    /// Makes room for `additional` more elements, growing geometrically. `reserveCapacity(count + n)`
    /// called once per page reallocates to the exact size every time, copying the whole array:
    /// quadratic over a column chunk.
    @inline(__always)
    mutating func reserveAdditional(_ additional: Int) {
        let needed = count + additional
        if needed > capacity { reserveCapacity(Swift.max(needed, capacity * 2)) }
    }
}
