public import CORSPolicy

/// Something that answers preflights: the engine alone, or the engine behind a cache.
public protocol PreflightDecider: AnyObject, Sendable {
    /// Decides one preflight (see `PreflightEvaluator.evaluate`), from the cache when it can.
    func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?) -> PreflightReason

    /// `decide`, setting `hit` when a cache answered without evaluating, so
    /// a harness can time hits and misses apart. Deciders without a cache
    /// keep the default, which never sets it.
    func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                hit: inout Bool) -> PreflightReason

    /// Installs a new policy. Once this returns, no decision of the old policy is served.
    func replacePolicy(_ evaluator: PreflightEvaluator)

    /// The counters so far; reading them does not stop traffic.
    func statistics() -> CacheStatistics
}

extension PreflightDecider {
    public func decide(origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer, requestHeaders: UnsafeRawBufferPointer?,
                       hit: inout Bool) -> PreflightReason {
        decide(origin: origin, method: method, requestHeaders: requestHeaders)
    }

    /// Decides a request given as strings.
    public func decide(_ request: PreflightRequest) -> PreflightReason {
        var origin = request.origin, method = request.method
        return origin.withUTF8 { o in
            method.withUTF8 { m in
                guard var headers = request.requestHeaders else {
                    return decide(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: nil)
                }
                return headers.withUTF8 { decide(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: UnsafeRawBufferPointer($0)) }
            }
        }
    }
}
