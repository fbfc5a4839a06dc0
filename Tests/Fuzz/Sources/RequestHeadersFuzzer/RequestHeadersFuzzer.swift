import CORSPolicy

let evaluator = PreflightEvaluator(policy: try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["https://example.com"], methods: ["PUT"], requestHeaders: ["content-type", "x-request-id", "authorization"])))
let anyHeader = PreflightEvaluator(policy: try! CORSPolicy(validating: PolicyConfiguration(
    origins: ["*"], methods: ["*"], requestHeaders: ["*"])))

/// Feeds arbitrary bytes as Access-Control-Request-Headers (and as a method)
/// to both kinds of policy: no crash, and an allowed decision always renders.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestHeaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let origin: StaticString = "https://example.com", method: StaticString = "PUT"
    origin.withUTF8Buffer { o in
        for e in [evaluator, anyHeader] {
            let d = method.withUTF8Buffer { m in
                e.evaluate(origin: UnsafeRawBufferPointer(o), method: UnsafeRawBufferPointer(m), requestHeaders: bytes)
            }
            _ = e.evaluate(origin: bytes, method: bytes, requestHeaders: nil)
            if d.isAllowed {
                let request = PreflightRequest(origin: "https://example.com", method: "PUT", requestHeaders: String(decoding: bytes, as: UTF8.self))
                precondition(RequestHeaderList.normalized(request.requestHeaders!) != nil || !bytes.elementsEqual(request.requestHeaders!.utf8))
            }
        }
    }
    return 0
}
