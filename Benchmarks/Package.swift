// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package, as swift-nio's do, so that building or
// testing the root package never builds the benchmark machinery.
//   cd Benchmarks && swift package benchmark
//   swift package benchmark thresholds check   (CI: malloc counts only)
let package = Package(
    name: "preflight-bench-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "preflight-bench", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PreflightBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CORSPolicy", package: "preflight-bench"),
                .product(name: "OriginMatching", package: "preflight-bench"),
                .product(name: "PreflightCache", package: "preflight-bench"),
            ],
            path: "Benchmarks/PreflightBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Fixed work for callgrind (respond-vs-evaluate.sh): exact instruction counts.
        .executableTarget(
            name: "ResponseInstructions",
            dependencies: [.product(name: "CORSPolicy", package: "preflight-bench"), .product(name: "PreflightCache", package: "preflight-bench")],
            path: "Sources/ResponseInstructions"
        ),
    ],
    swiftLanguageModes: [.v6]
)
