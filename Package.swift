// swift-tools-version: 6.1
import PackageDescription

/// Souk: real-time e-commerce analytics in one binary.
/// Module dependencies point one way: Souk → Web → Commerce → Engine → Kafka → Storage, and Souk → Broker → Kafka.
let package = Package(
    name: "souk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "souk", targets: ["Souk"]),
        .library(name: "SoukStorage", targets: ["Storage"]),
        .library(name: "SoukKafka", targets: ["Kafka"]),
        .library(name: "SoukBroker", targets: ["Broker"]),
        .library(name: "SoukEngine", targets: ["Engine"]),
        .library(name: "SoukCommerce", targets: ["Commerce"]),
        .library(name: "SoukWeb", targets: ["Web"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The dashboard's HTTP server; no default traits (swift-configuration and full Foundation are not used).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // C libraries, found through pkg-config; each is imported by exactly one wrapper file in Storage.
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(
            name: "CSnappy", pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"]), .brew(["snappy"])]),
        .systemLibrary(
            name: "CLZ4", pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "CCRC32C"),
        .target(name: "CAllocator"),

        .target(
            name: "Storage",
            dependencies: [
                "CZstd", "CSnappy", "CLZ4", "CZlib", "CCRC32C", "CAllocator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Kafka",
            dependencies: [
                "Storage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Broker",
            dependencies: [
                "Kafka", "Storage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "Engine",
            dependencies: [
                "Kafka", "Storage",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "Commerce",
            dependencies: [
                "Engine", "Kafka", "Storage", "CAllocator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "Web",
            dependencies: [
                "Commerce", "Engine", "Kafka", "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The pages and their scripts are compiled into the binary, so it stays self-contained.
            resources: [
                .embedInCode("Assets/index.html"), .embedInCode("Assets/engine.html"),
                .embedInCode("Assets/broker.html"), .embedInCode("Assets/app.css"),
                .embedInCode("Assets/common.js"), .embedInCode("Assets/dashboard.js"),
                .embedInCode("Assets/engine.js"), .embedInCode("Assets/broker.js"),
            ]),
        .executableTarget(
            name: "Souk",
            dependencies: [
                "Storage", "Kafka", "Broker", "Engine", "Commerce", "Web",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", .product(name: "NIOCore", package: "swift-nio")],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "KafkaTests",
            dependencies: [
                "Kafka", "Storage", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "BrokerTests",
            dependencies: [
                "Broker", "Kafka", "Storage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "Storage", .product(name: "MetricsTestKit", package: "swift-metrics")]),
        .testTarget(
            name: "CommerceTests",
            dependencies: ["Commerce", "Engine", "Storage", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "SoukTests",
            dependencies: ["Souk", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (`make fuzz`), only with SOUK_FUZZ set: they link only with `--sanitize fuzzer`
// (libFuzzer supplies `main`), so an ordinary build must not see them.
if Context.environment["SOUK_FUZZ"] != nil {
    let nio = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzKafkaRequests", ["Kafka", nio]),
        ("FuzzRecordBatch", ["Kafka", nio]),
        ("FuzzDecompress", ["Storage", nio]),
        ("FuzzParquet", ["Storage"]),
        ("FuzzJSON", ["Engine", "Storage"]),
        ("FuzzHTTPQuery", ["Web", "Commerce", .product(name: "Hummingbird", package: "hummingbird"), nio]),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(name: target.name, dependencies: target.dependencies, path: "Fuzz/\(target.name)"))
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
