// swift-tools-version: 6.1
import PackageDescription

/// Souk's package-benchmark suites. A package of its own, so that `swift build` and `swift test`
/// of Souk never compile benchmark code. Run with `make bench-micro` (or `swift package benchmark` here).
let package = Package(
    name: "SoukBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "souk", path: ".."),
        // MallocInterposer only: the default traits need a package that is not available here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The same C libraries called directly, as the baseline Souk's wrappers are measured against.
        .target(
            name: "CodecBaseline",
            linkerSettings: [
                .linkedLibrary("zstd"), .linkedLibrary("snappy"), .linkedLibrary("lz4"), .linkedLibrary("z"),
            ]
        ),
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                "CodecBaseline",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SoukStorage", package: "souk"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ParquetBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SoukStorage", package: "souk"),
            ],
            path: "Benchmarks/ParquetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SoukEngine", package: "souk"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
