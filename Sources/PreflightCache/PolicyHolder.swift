import CORSPolicy
import Synchronization

/// The current policy version, swapped atomically. Replaced versions are kept
/// until the holder goes away, so a thread still using one never sees it
/// freed; replacements are rare (a policy reload), so this costs little.
final class PolicyHolder: Sendable {
    private let current: Atomic<UInt>
    /// The generation of `current`, read on every hit to refuse stale entries.
    let generation: Atomic<UInt32>
    private let versions: Versions
    let deniedTTLSeconds: Double

    final class Versions: @unchecked Sendable {
        // Mutated only under `lock`.
        let lock = PThreadMutex()
        var all: [PolicyVersion] = []
    }

    init(_ evaluator: PreflightEvaluator, deniedTTLSeconds: Double) {
        let first = PolicyVersion(evaluator: evaluator, generation: 1, deniedTTLSeconds: deniedTTLSeconds)
        versions = Versions()
        versions.all = [first]
        current = Atomic(UInt(bitPattern: Unmanaged.passUnretained(first).toOpaque()))
        generation = Atomic(1)
        self.deniedTTLSeconds = deniedTTLSeconds
    }

    /// Calls `body` with the current version, without reference counting.
    @inline(__always)
    func withCurrent<R>(_ body: (PolicyVersion) -> R) -> R {
        let bits = current.load(ordering: .acquiring)
        return Unmanaged<PolicyVersion>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!)._withUnsafeGuaranteedRef(body)
    }

    /// Installs `evaluator`. When this returns, every lookup sees the new
    /// generation, so no decision of an earlier policy is served again.
    func replace(with evaluator: PreflightEvaluator) {
        versions.lock.withLock {
            let next = PolicyVersion(evaluator: evaluator, generation: versions.all.last!.generation &+ 1, deniedTTLSeconds: deniedTTLSeconds)
            versions.all.append(next)
            current.store(UInt(bitPattern: Unmanaged.passUnretained(next).toOpaque()), ordering: .releasing)
            generation.store(next.generation, ordering: .releasing)
        }
    }
}
