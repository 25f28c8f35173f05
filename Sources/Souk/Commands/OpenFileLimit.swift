#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Raises this process's soft limit on open descriptors to its hard limit, as servers do (Kafka asks
/// for 100,000 or more): every client connection, segment and index file is one. Shells often start
/// processes with a soft limit of 1,024, far below what the broker's connection cap allows. Failing to
/// raise it is not an error: the broker then refuses connections past what it can open.
func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
