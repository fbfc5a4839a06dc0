import CORSPolicy

/// One installed policy: its evaluator, its generation and the lifetimes of
/// the decisions it makes. Immutable, so any thread may use it unlocked.
final class PolicyVersion: Sendable {
    let evaluator: PreflightEvaluator
    let generation: UInt32
    /// How long an allowed decision is kept: the policy's Max-Age as browsers
    /// apply it (`CORSPolicy.effectiveMaxAge`).
    /// 0 means allowed decisions are not cached.
    let allowedTTL: UInt64
    /// How long a denied decision is kept; 0 means denials are not cached.
    let deniedTTL: UInt64

    init(evaluator: PreflightEvaluator, generation: UInt32, deniedTTLSeconds: Double) {
        self.evaluator = evaluator
        self.generation = generation
        allowedTTL = UInt64(evaluator.policy.effectiveMaxAge) * 1_000_000_000
        deniedTTL = UInt64(max(0, deniedTTLSeconds) * 1e9)
    }

    @inline(__always)
    func evaluate(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        evaluator.evaluate(origin: origin, method: method, requestHeaders: requestHeaders).reason
    }
}
