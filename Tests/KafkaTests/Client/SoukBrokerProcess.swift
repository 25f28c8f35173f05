import Foundation
import Testing

/// A `souk broker` child process on a temp data dir, for integration tests. The binary is
/// `<repo>/.build/debug/souk` (`swift build --product souk`).
final class SoukBrokerProcess: @unchecked Sendable {
    static let binary = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/souk")

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    let dataDirectory: URL
    private(set) var port: Int = 0
    private var process: Process?
    private var logFile: URL

    init() throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "souk-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        logFile = dataDirectory.appendingPathComponent("broker-0.log")
    }

    var bootstrap: String { "127.0.0.1:\(port)" }

    /// Starts the broker (on `port`, or a free port the first time) and waits for its "listening" line.
    func start() throws {
        let logFile = dataDirectory.appendingPathComponent("broker-\(UUID().uuidString).log")
        self.logFile = logFile
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "broker", "--port", "\(port)", "--data-dir", dataDirectory.appendingPathComponent("data").path,
        ]
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if let range = log.range(of: "listening on 127.0.0.1:") {
                let digits = log[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    self.port = port
                    return
                }
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.02)  // polling the log for the condition, with a deadline
        }
        throw BrokerStartError(log: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "")
    }

    /// Kills the broker (SIGKILL, like a crash) and waits for it to exit.
    func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    struct BrokerStartError: Error, CustomStringConvertible {
        var log: String
        var description: String { "souk broker did not start:\n\(log)" }
    }
}
