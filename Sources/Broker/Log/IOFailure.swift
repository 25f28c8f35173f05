import Storage

/// An operating-system call on a log file that failed (the file layer's `FileFailure`).
package typealias IOFailure = FileFailure
