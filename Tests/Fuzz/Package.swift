// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets, kept out of the root package because each defines only
// LLVMFuzzerTestOneInput and links only when built with --sanitize=fuzzer:
//   swift build -c release --sanitize=fuzzer
//   SWIFT_BACKTRACE=enable=no .build/release/OriginParserFuzzer -max_total_time=60
let package = Package(
    name: "preflight-bench-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "preflight-bench", path: "../..")],
    targets: [
        .executableTarget(name: "OriginParserFuzzer", dependencies: [
            .product(name: "OriginMatching", package: "preflight-bench"),
            .product(name: "CORSPolicy", package: "preflight-bench"),
        ]),
        .executableTarget(name: "RequestHeadersFuzzer", dependencies: [
            .product(name: "CORSPolicy", package: "preflight-bench"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
