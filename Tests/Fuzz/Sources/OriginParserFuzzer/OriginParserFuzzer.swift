import CORSPolicy
import OriginMatching

/// Patterns that exercise every matcher shape: exact, wildcard, any port, IP, IPv6.
let patterns = [
    "https://example.com", "https://*.example.com", "http://localhost:*", "https://*.example.com:*",
    "http://127.0.0.1:3000", "http://[::1]:*", "https://foo.com", "https://bar.com",
].map { try! OriginPattern.parse($0) }
let matchers = OriginMatcherKind.allCases.filter { $0 != .regex }.map { $0.makeMatcher(patterns: patterns) }

/// Feeds arbitrary bytes to the origin parser, the pattern parser and every
/// byte-level matcher: none may crash, and all matchers must agree with the
/// reference semantics (`OriginPattern.matches`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrigin(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if case let .origin(origin) = RequestOrigin.parse(bytes) {
        let expected = patterns.contains { $0.matches(origin) }
        for matcher in matchers where matcher.matches(origin) != expected {
            fatalError("matcher \(type(of: matcher)) disagrees on \(String(decoding: bytes, as: UTF8.self))")
        }
    }
    _ = try? OriginPattern.parse(String(decoding: bytes, as: UTF8.self))
    return 0
}
