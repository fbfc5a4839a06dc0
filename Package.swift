// swift-tools-version: 6.1
import PackageDescription

// Dependency direction (each module only sees those left of it):
//   InternalByteUtilities -> OriginMatching
//   JSONValue, OriginMatching, InternalByteUtilities -> CORSPolicy -> PreflightCache, PreflightWorkload -> PreflightLoad -> preflight-bench (CLI)
//   AllocationCounter (C, malloc interposer) -> preflight-bench only
// The library targets depend on nothing beyond the toolchain; only the CLI
// pulls in swift-argument-parser. Benchmarks live in Benchmarks/Package.swift
// and fuzzers in Tests/Fuzz/Package.swift so that `swift build` here never
// builds their machinery.
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
    ],
    targets: [
        .target(name: "JSONValue", swiftSettings: strictness),
        // Word-at-a-time byte helpers shared by the matchers and the policy engine (package access only).
        .target(name: "InternalByteUtilities", swiftSettings: strictness),
        .target(name: "OriginMatching", dependencies: ["InternalByteUtilities"], swiftSettings: strictness),
        .target(name: "CORSPolicy", dependencies: ["OriginMatching", "JSONValue", "InternalByteUtilities"], swiftSettings: strictness),
        .target(name: "PreflightCache", dependencies: ["CORSPolicy", "OriginMatching", "InternalByteUtilities"], swiftSettings: strictness),
        .target(name: "PreflightWorkload", dependencies: ["CORSPolicy", "OriginMatching", "JSONValue"], swiftSettings: strictness),
        .target(name: "PreflightLoad", dependencies: [
            "PreflightWorkload", "PreflightCache", "CORSPolicy", "OriginMatching", "JSONValue",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: strictness),
        // Counts allocations by interposing malloc; linked into the executable only.
        .target(name: "AllocationCounter"),
        .executableTarget(
            name: "PreflightBenchCommand",
            dependencies: [
                "CORSPolicy", "OriginMatching", "JSONValue", "PreflightWorkload", "PreflightLoad", "AllocationCounter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(name: "JSONValueTests", dependencies: ["JSONValue"], swiftSettings: strictness),
        .testTarget(name: "OriginMatchingTests", dependencies: ["OriginMatching", "PreflightWorkload"], swiftSettings: strictness),
        .testTarget(name: "CORSPolicyTests", dependencies: ["CORSPolicy", "OriginMatching", "JSONValue", "PreflightWorkload", "InternalByteUtilities"], swiftSettings: strictness),
        .testTarget(name: "PreflightCacheTests", dependencies: ["PreflightCache", "CORSPolicy", "OriginMatching", "PreflightWorkload", "InternalByteUtilities"], swiftSettings: strictness),
        .testTarget(name: "PreflightLoadTests", dependencies: ["PreflightLoad", "PreflightWorkload", "CORSPolicy", "OriginMatching"], swiftSettings: strictness),
    ],
    swiftLanguageModes: [.v6]
)
