import Storage

/// Makes the log's file operations fail on demand (the file layer's `FileFaults`), so tests can check
/// fail-stop behaviour without a broken disk. Production code passes none.
package typealias IOFaultInjector = FileFaults
