public import CORSPolicy

/// `none`: the engine alone. Keeps no statistics (every lookup is a miss, counted by the caller).
public final class UncachedPreflightDecider: PreflightDecider {
    let holder: PolicyHolder

    public init(evaluator: PreflightEvaluator) {
        holder = PolicyHolder(evaluator, deniedTTLSeconds: 0)
    }

    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason {
        holder.withCurrent { $0.evaluate(origin: origin, method: method, requestHeaders: requestHeaders) }
    }

    public func replacePolicy(_ evaluator: PreflightEvaluator) { holder.replace(with: evaluator) }

    public func statistics() -> CacheStatistics { CacheStatistics() }
}
