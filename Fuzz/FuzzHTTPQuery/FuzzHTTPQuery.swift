import Commerce
import Hummingbird
import NIOCore
import Web

/// libFuzzer target: the query string of a dashboard API request, read as the routes read it (an
/// integer in a range, a dimension name), through Hummingbird's URI parsing. Oracle: nothing traps;
/// a value accepted is within its range; a refusal is a 400 whose message names the parameter.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let query = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let request = Request(
        head: .init(method: .get, scheme: "http", authority: "localhost", path: "/api/transactions/recent?" + query),
        body: .init(buffer: ByteBuffer()))
    let parameters = QueryParameters(request: request)
    do {
        let count = try parameters.integer("n", in: 1...1_000, default: 50)
        guard (1...1_000).contains(count) else { fatalError("n = \(count) accepted, outside 1...1000") }
    } catch {
        guard error.status == .badRequest, error.message.contains("'n'") else { fatalError("\(error)") }
    }
    do {
        _ = try parameters.dimension(default: .city)
    } catch {
        guard error.status == .badRequest, error.message.contains("'dimension'") else { fatalError("\(error)") }
    }
    return 0
}
