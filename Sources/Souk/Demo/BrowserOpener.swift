import Foundation

/// Opens a URL in the desktop's browser with `xdg-open` (Linux) or `open` (macOS), when one is
/// installed; says so on stderr when none is.
enum BrowserOpener {
    static func open(_ url: String) {
        let candidates = ["xdg-open", "open"]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init)
        for name in candidates {
            for directory in directories {
                let executable = (directory as NSString).appendingPathComponent(name)
                guard FileManager.default.isExecutableFile(atPath: executable) else { continue }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = [url]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                do {
                    try process.run()
                    return
                } catch {
                    continue
                }
            }
        }
        writeToStandardError("souk demo: --open: no xdg-open or open here; open \(url) in a browser\n")
    }
}
