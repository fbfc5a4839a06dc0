/// The outcome of evaluating one preflight: a small value, built without
/// allocating. Turn it into response headers with `PreflightEvaluator.response`.
public struct PreflightDecision: Sendable, Hashable {
    public var reason: PreflightReason

    @inlinable public var isAllowed: Bool { reason == .allowed }

    @inlinable public init(reason: PreflightReason) {
        self.reason = reason
    }
}
