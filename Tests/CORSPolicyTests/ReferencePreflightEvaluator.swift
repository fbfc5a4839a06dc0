@testable import CORSPolicy
@testable import OriginMatching

/// The evaluator as it was before evaluation went word-wise: byte at a time,
/// every rule spelled out, origins matched by `OriginPattern.matches` (the
/// reference semantics of every matcher). Slow on purpose; the differential
/// tests require the fast evaluator to decide every input exactly as this does.
struct ReferencePreflightEvaluator {
    let policy: CORSPolicy
    let allowedHeaders: [String: Int]

    init(policy: CORSPolicy) {
        self.policy = policy
        var allowed: [String: Int] = [:]
        for (i, name) in policy.requestHeaders.enumerated() { allowed[name] = i }
        allowedHeaders = allowed
    }

    func evaluate(origin: [UInt8], method: [UInt8], requestHeaders: [UInt8]?) -> PreflightDecision {
        origin.withUnsafeBytes { o in
            if let reason = checkOrigin(o) { return PreflightDecision(reason: reason) }
            if let reason = checkMethod(method) { return PreflightDecision(reason: reason) }
            guard let requestHeaders else { return PreflightDecision(reason: .allowed) }
            return requestHeaders.withUnsafeBytes { h in
                var denied = false
                let wellFormed = RequestHeaderList.forEachName(in: h) { range in
                    let name = String(decoding: h[range].map { RequestHeaderList.lowercasedTokenByte($0) }, as: UTF8.self)
                    if allowedHeaders[name] != nil { return true }
                    if policy.allowsAnyRequestHeader && name != "authorization" { return true }
                    denied = true
                    return false
                }
                if !wellFormed { return PreflightDecision(reason: .malformedRequestHeaders) }
                if denied { return PreflightDecision(reason: .headerNotAllowed) }
                return PreflightDecision(reason: .allowed)
            }
        }
    }

    func checkOrigin(_ bytes: UnsafeRawBufferPointer) -> PreflightReason? {
        if Array(bytes) == Array("null".utf8) {
            if case .any = policy.origins { return nil }
            return .originNotAllowed
        }
        switch OriginSyntax.parse(bytes, allowWildcards: false) {
        case .failure: return .malformedOrigin
        case let .success(c):
            let port: UInt16
            switch c.port {
            case .absent: port = 0
            case let .number(p): port = p
            case .any: return .malformedOrigin
            }
            let origin = RequestOrigin(bytes: bytes, schemeLength: c.schemeLength, hostStart: c.hostStart, hostEnd: c.hostEnd, port: port)
            switch policy.origins {
            case .any: return nil
            case let .patterns(patterns): return patterns.contains { $0.matches(origin) } ? nil : .originNotAllowed
            }
        }
    }

    func checkMethod(_ method: [UInt8]) -> PreflightReason? {
        guard !method.isEmpty, method.count <= 64, method.allSatisfy({ RequestHeaderList.lowercasedTokenByte($0) != 0 }) else {
            return .malformedMethod
        }
        let text = String(decoding: method, as: UTF8.self)
        if ["GET", "HEAD", "POST"].contains(text) { return nil }
        // Forbidden methods, compared as the engine always has: bit 5 cleared in every byte.
        if [5, 7].contains(method.count) {
            let upper = method.map { $0 & ~0x20 }
            if ["CONNECT", "TRACE", "TRACK"].contains(where: { Array($0.utf8) == upper }) { return .methodNotAllowed }
        }
        if policy.allowsAnyMethod || policy.methods.contains(where: { Array($0.utf8) == method }) { return nil }
        return .methodNotAllowed
    }
}
