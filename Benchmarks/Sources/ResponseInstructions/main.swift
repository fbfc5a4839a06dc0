// A fixed amount of work for callgrind: N decisions, or N decisions each
// followed by writing its response head, over the cases of the respond.*
// benchmarks; deciders `evaluate` (the engine) or `sharded` (the cache,
// whose four keys all hit after the first turns). Run by respond-vs-evaluate.sh at N and 3N: the difference over
// 2N is the exact instruction count of one decision or one decision plus its
// response, free of the noise that wall-clock times carry here.
import CORSPolicy
import Foundation
import PreflightCache

let arguments = CommandLine.arguments
guard (4...5).contains(arguments.count), let n = Int(arguments[3]), ["evaluate", "respond"].contains(arguments[2]),
      arguments.count == 4 || ["evaluate", "sharded"].contains(arguments[4]) else {
    print("usage: ResponseInstructions CASE evaluate|respond N [evaluate|sharded]   (CASE: exact, wildcard, denied, 1000-origins)")
    exit(64)
}
let example = try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    methods: ["PUT", "DELETE"], requestHeaders: ["content-type", "x-request-id", "authorization"], credentials: true, maxAge: 600))
let thousand = try! CORSPolicy(validating: PolicyConfiguration(
    origins: (0..<1000).map { "https://app\($0).example.com" }, methods: ["PUT", "DELETE"],
    requestHeaders: ["content-type", "x-request-id", "authorization"], credentials: true, maxAge: 600))
let (policy, originText): (CORSPolicy, String) = switch arguments[1] {
case "exact": (example, "https://app.example.com")
case "wildcard": (example, "https://a.b.example.com")
case "denied": (example, "https://evilexample.com")
case "1000-origins": (thousand, "https://app517.example.com")
default: { print("unknown case \(arguments[1])"); exit(64) }()
}
let evaluator = PreflightEvaluator(policy: policy)
let cache: (any PreflightDecider)? = arguments.count == 5 && arguments[4] == "sharded"
    ? makePreflightDecider(.sharded, evaluator: evaluator, configuration: CacheConfiguration(capacity: 1024, shards: 4),
                           clock: SystemPreflightClock()) : nil
let writer = PreflightResponseWriter(policy: policy)
/// Bytes that live as long as the program: the loop reads them through plain pointers.
func pinned(_ text: String) -> UnsafeRawBufferPointer {
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: text.utf8.count, alignment: 1)
    _ = bytes.initializeMemory(as: UInt8.self, from: text.utf8)
    return UnsafeRawBufferPointer(bytes)
}
// Four requests in turn, so that nothing about them is the same on every
// turn of the loop and the optimizer can hoist none of the work out of it.
let requests = [("PUT", "content-type,x-request-id"), ("DELETE", "x-request-id"),
                ("PUT", "authorization,content-type,x-request-id"), ("DELETE", "content-type")]
    .map { (origin: pinned(originText), method: pinned($0.0), headers: pinned($0.1)) }
let date = pinned("date: Fri, 27 Nov 2026 23:00:00 GMT\r\n")
let buffer = UnsafeMutableRawBufferPointer.allocate(
    byteCount: requests.map { writer.capacity(originCount: $0.origin.count, methodCount: $0.method.count,
                                              requestHeadersCount: $0.headers.count, extraCount: date.count) }.max()!,
    alignment: 8)
let respond = arguments[2] == "respond"
var checksum = 0
for i in 0..<n {
    let (o, m, h) = requests[i & 3]
    let decision = if let cache { PreflightDecision(reason: cache.decide(origin: o, method: m, requestHeaders: h)) }
                   else { evaluator.evaluate(origin: o, method: m, requestHeaders: h) }
    if respond {
        checksum &+= writer.writePreflight(decision, origin: o, method: m, requestHeaders: h, extraHeaderLines: date, into: buffer) ?? 0
        checksum &+= Int(buffer[0])
    } else {
        checksum &+= Int(decision.reason.code)
    }
}
// Printed so that the optimizer keeps every decision and write.
print(checksum)
