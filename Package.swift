// swift-tools-version: 6.1
import PackageDescription

// Modules and their dependencies (each arrow points at a module it imports;
// none points back):
//
//   InternalByteUtilities    words, hashing, packed strings, seeded bits (package access)
//   JSONValue                JSON values, parsing with positions, object reading
//   OriginMatching           -> InternalByteUtilities
//   CORSPolicy               -> OriginMatching, JSONValue, InternalByteUtilities
//   PreflightCache           -> CORSPolicy, OriginMatching, InternalByteUtilities
//   PreflightWorkload        -> CORSPolicy, OriginMatching, JSONValue, InternalByteUtilities, OrderedCollections (package access)
//   PreflightTrace           -> JSONValue (trace formats in and out: JSON Lines, CSV, nginx, HAR; package access)
//   PreflightReport          -> JSONValue, PreflightTrace (one report protocol; tables, charts, statistics, file names)
//   PreflightSimulation      -> PreflightReport, PreflightWorkload, PreflightCache, ..., HeapModule (replay, Belady, browser caches)
//   PreflightLoad            -> PreflightReport, PreflightWorkload, PreflightCache, ..., Histogram, OrderedCollections
//                               (in-process runs, matcher comparison, run and load reports)
//   PreflightHTTPServer      -> CORSPolicy, PreflightCache, JSONValue, InternalByteUtilities, NIOCore, NIOPosix (serve; its own HTTP/1.1 parser)
//   PreflightProbe           -> CORSPolicy, OriginMatching, PreflightReport, JSONValue (probe's catalogue, verdicts, scorecard)
//   PreflightLoadClient      -> PreflightLoad, PreflightProbe, PreflightReport, CORSPolicy, PreflightWorkload, NIOCore, NIOPosix
//                               (load and probe over HTTP)
//   BenchmarkHost            -> PreflightLoad, PreflightSimulation, PreflightReport, JSONValue, Subprocess (the machine: processes, files, facts;
//                               BuildCommitPlugin records the commit it is built from)
//   AllocationCounter (C)    malloc interposer, linked into the executable only
//   preflight-bench (CLI)    -> all of the above, ArgumentParser: parses options, calls the libraries
//
// The four product libraries depend on nothing beyond the toolchain. Only the
// workload, simulation and load modules pull in hdrhistogram-swift and
// swift-collections, only the server and the load client swift-nio, only
// BenchmarkHost swift-subprocess, only the CLI swift-argument-parser.
// Benchmarks live in Benchmarks/Package.swift and fuzzers in
// Tests/Fuzz/Package.swift, so that `swift build` here never builds their
// machinery. Test support (a manual clock, small scenarios) is a target of its
// own under Tests/.
let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "preflight-bench",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CORSPolicy", targets: ["CORSPolicy"]),
        .library(name: "OriginMatching", targets: ["OriginMatching"]),
        .library(name: "PreflightCache", targets: ["PreflightCache"]),
        .library(name: "JSONValue", targets: ["JSONValue"]),
        .executable(name: "preflight-bench", targets: ["PreflightBenchCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.100.0"),
    ],
    targets: [
        .target(name: "InternalByteUtilities", swiftSettings: strictness),
        .target(name: "JSONValue", swiftSettings: strictness),
        .target(name: "OriginMatching", dependencies: ["InternalByteUtilities"], swiftSettings: strictness),
        .target(name: "CORSPolicy", dependencies: ["OriginMatching", "JSONValue", "InternalByteUtilities"], swiftSettings: strictness),
        .target(name: "PreflightCache", dependencies: ["CORSPolicy", "OriginMatching", "InternalByteUtilities"], swiftSettings: strictness),
        .target(name: "PreflightWorkload", dependencies: [
            "CORSPolicy", "OriginMatching", "JSONValue", "InternalByteUtilities",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strictness),
        .target(name: "PreflightTrace", dependencies: ["JSONValue"], swiftSettings: strictness),
        .target(name: "PreflightReport", dependencies: ["JSONValue", "PreflightTrace"], swiftSettings: strictness),
        .target(name: "PreflightSimulation", dependencies: [
            "PreflightReport", "PreflightWorkload", "PreflightTrace", "PreflightCache", "CORSPolicy", "JSONValue", "InternalByteUtilities",
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: strictness),
        .target(name: "PreflightLoad", dependencies: [
            "PreflightReport", "PreflightWorkload", "PreflightTrace", "PreflightCache", "CORSPolicy", "OriginMatching", "JSONValue", "InternalByteUtilities",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strictness),
        .target(name: "PreflightHTTPServer", dependencies: [
            "CORSPolicy", "PreflightCache", "JSONValue", "InternalByteUtilities",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], swiftSettings: strictness),
        .target(name: "PreflightProbe", dependencies: ["CORSPolicy", "OriginMatching", "PreflightReport", "JSONValue"], swiftSettings: strictness),
        .target(name: "PreflightLoadClient", dependencies: [
            "PreflightLoad", "PreflightProbe", "PreflightReport", "CORSPolicy", "PreflightWorkload", "InternalByteUtilities",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], swiftSettings: strictness),
        .target(name: "BenchmarkHost", dependencies: [
            "PreflightLoad", "PreflightSimulation", "PreflightReport", "PreflightWorkload", "CORSPolicy", "JSONValue", "PreflightTrace",
            .product(name: "Subprocess", package: "swift-subprocess"),
        ], swiftSettings: strictness, plugins: ["BuildCommitPlugin"]),
        // Writes the git commit the tool is built from into BenchmarkHost (`buildCommit`).
        .plugin(name: "BuildCommitPlugin", capability: .buildTool(), path: "Sources/BuildCommitPlugin"),
        .target(name: "AllocationCounter"),
        .executableTarget(
            name: "PreflightBenchCommand",
            dependencies: [
                "CORSPolicy", "OriginMatching", "JSONValue", "PreflightWorkload", "PreflightLoad", "PreflightSimulation", "PreflightReport",
                "BenchmarkHost", "PreflightHTTPServer", "PreflightLoadClient", "PreflightProbe", "PreflightTrace", "AllocationCounter", "PreflightCache", "InternalByteUtilities",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictness
        ),
        .target(name: "PreflightTestSupport", dependencies: ["PreflightCache", "PreflightWorkload"], path: "Tests/PreflightTestSupport", swiftSettings: strictness),
        .testTarget(name: "JSONValueTests", dependencies: ["JSONValue"], swiftSettings: strictness),
        .testTarget(name: "InternalByteUtilitiesTests", dependencies: ["InternalByteUtilities"], swiftSettings: strictness),
        .testTarget(name: "OriginMatchingTests", dependencies: ["OriginMatching", "InternalByteUtilities"], swiftSettings: strictness),
        .testTarget(name: "CORSPolicyTests", dependencies: ["CORSPolicy", "OriginMatching", "JSONValue", "InternalByteUtilities", "PreflightWorkload"],
                    swiftSettings: strictness),
        .testTarget(name: "PreflightCacheTests", dependencies: ["PreflightCache", "CORSPolicy", "InternalByteUtilities", "PreflightTestSupport"],
                    swiftSettings: strictness),
        .testTarget(name: "PreflightHTTPTests", dependencies: ["PreflightHTTPServer", "PreflightLoadClient", "PreflightProbe", "PreflightReport", "PreflightCache", "CORSPolicy", "PreflightWorkload", "PreflightLoad",
                                                               "PreflightTestSupport", "BenchmarkHost", "InternalByteUtilities",
                                                               .product(name: "NIOCore", package: "swift-nio"),
                                                               .product(name: "NIOPosix", package: "swift-nio"),
                                                               .product(name: "NIOHTTP1", package: "swift-nio"),
                                                               .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
                    swiftSettings: strictness),
        .testTarget(name: "PreflightTraceTests", dependencies: ["PreflightTrace", "PreflightWorkload", "PreflightLoad", "PreflightSimulation", "PreflightReport", "BenchmarkHost", "CORSPolicy",
                                                                "PreflightTestSupport"],
                    swiftSettings: strictness),
        .testTarget(name: "PreflightWorkloadTests", dependencies: ["PreflightWorkload", "PreflightTestSupport", "CORSPolicy"], swiftSettings: strictness),
        .testTarget(name: "PreflightLoadTests", dependencies: ["PreflightLoad", "PreflightSimulation", "PreflightReport", "PreflightWorkload", "PreflightTrace", "PreflightCache", "CORSPolicy", "OriginMatching",
                                                               "InternalByteUtilities", "PreflightTestSupport", "BenchmarkHost"],
                    swiftSettings: strictness),
    ],
    swiftLanguageModes: [.v6]
)
