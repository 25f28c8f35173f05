import Foundation
import Hummingbird

/// The pages and their assets. Souk's own files are compiled into the binary (SwiftPM's
/// `embedInCode`); Chart.js is Debian's `libjs-chart.js`, read from where the package installs it,
/// and the page says how to install it when it is missing.
struct AssetRoutes {
    /// Where Chart.js is looked for, first found wins.
    static let chartPaths = [
        "/usr/share/javascript/chart.js/chart.min.js", "/usr/share/javascript/chart.js/Chart.min.js",
    ]

    let chart: ByteBuffer?

    init(chartPaths: [String] = AssetRoutes.chartPaths) {
        chart = chartPaths.lazy.compactMap { FileManager.default.contents(atPath: $0) }.first.map {
            ByteBuffer(bytes: $0)
        }
    }

    func register(on router: Router<BasicRequestContext>) {
        Self.page(router, "/", PackageResources.index_html)
        Self.page(router, "/engine", PackageResources.engine_html)
        Self.page(router, "/broker", PackageResources.broker_html)
        Self.asset(router, "/assets/app.css", PackageResources.app_css, type: "text/css; charset=utf-8")
        for (path, bytes) in [
            ("common.js", PackageResources.common_js), ("dashboard.js", PackageResources.dashboard_js),
            ("engine.js", PackageResources.engine_js), ("broker.js", PackageResources.broker_js),
        ] {
            Self.asset(router, "/assets/\(path)", bytes, type: "text/javascript; charset=utf-8")
        }
        let chart = chart
        router.get("/assets/chart.min.js") { _, _ in
            guard let chart else {
                return try JSONResponse.error(
                    .notFound, "Chart.js is not installed: sudo apt-get install libjs-chart.js")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=86400"],
                body: ResponseBody(byteBuffer: chart))
        }
    }

    private static func page(_ router: Router<BasicRequestContext>, _ path: String, _ bytes: [UInt8]) {
        asset(router, path, bytes, type: "text/html; charset=utf-8")
    }

    private static func asset(_ router: Router<BasicRequestContext>, _ path: String, _ bytes: [UInt8], type: String) {
        let buffer = ByteBuffer(bytes: bytes)
        router.get(RouterPath(path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: buffer))
        }
    }
}
