import InternalByteUtilities

/// Writes HTTP/1.1 responses for one policy as bytes into a caller's buffer,
/// without allocating: the response head of a decided preflight, and the head
/// and body of an actual (non-preflight) request.
///
/// Everything the policy fixes (status lines, `Vary`, credentials, Max-Age,
/// framing) is rendered once, at `init`, into a few byte runs; writing a
/// response copies those runs and echoes only what the request supplies: the
/// origin (unless `*` answers it), the method, and the header list, as the
/// request sent them. The headers are exactly those of `PreflightEvaluator.response(to:decision:)`,
/// in the same order.
///
/// A head ends with the caller's `extraHeaderLines` (each `name: value\r\n`,
/// for example `date`) and the blank line; `connectionClose` adds
/// `connection: close`.
public struct PreflightResponseWriter: Sendable {
    /// All precomputed runs, back to back; the ranges below index into them.
    /// Read through `runs`, a plain pointer, so writing touches no reference
    /// count. `nonisolated(unsafe)` is safe: it points into `storage`, which
    /// this value keeps alive and nobody writes after `init`.
    let storage: RunStorage
    nonisolated(unsafe) let runs: UnsafeRawPointer
    /// Allowed preflight: status line and `access-control-allow-origin: `, and,
    /// when the origin is answered with `*`, the rest up to the method.
    let allowedHead: ByteRun
    /// Whether the request's origin is echoed after `allowedHead`.
    let echoesOrigin: Bool
    /// After an echoed origin, up to the method.
    let afterOrigin: ByteRun
    /// After the method when a header list follows: `access-control-allow-headers: `.
    let allowHeadersName: ByteRun
    /// After the method or header list: Max-Age, `Vary` and framing.
    let allowedTail: ByteRun
    /// A denied preflight's whole head but the connection, extra lines and blank line.
    let deniedHead: ByteRun
    /// An actual response for an allowed origin: head up to the origin, and after it.
    let actualAllowedHead: ByteRun
    let actualAfterOrigin: ByteRun
    /// An actual response for any other origin.
    let actualOtherHead: ByteRun
    /// The actual response's body (`actualBody`) and its framing, after the headers.
    let actualFraming: ByteRun
    let body: ByteRun
    let closeLine: ByteRun

    /// The body of every actual response.
    public static let actualBody = "ok\n"

    /// The most bytes a response head takes beyond the echoed values and the
    /// extra lines: callers reserve `fixedCapacity + origin + method +
    /// header list + extra` bytes (see `capacity(originCount:...)`).
    public let fixedCapacity: Int

    public init(policy: CORSPolicy) {
        var runs: [UInt8] = []
        func run(_ text: String) -> ByteRun {
            let start = runs.count
            runs.append(contentsOf: text.utf8)
            return ByteRun(start: start, count: runs.count - start)
        }
        let anyOrigin = policy.origins == .any && !policy.credentials
        let status = policy.preflightStatus
        let statusLine = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        let credentials = policy.credentials ? "access-control-allow-credentials: true\r\n" : ""
        let vary = anyOrigin ? PreflightEvaluator.varyWithoutOrigin : PreflightEvaluator.varyAll
        // RFC 9110 section 8.6: a 204 carries no Content-Length.
        let framing = status == 204 ? "" : "content-length: 0\r\n"
        let maxAge = policy.maxAge.map { "access-control-max-age: \($0)\r\n" } ?? ""

        echoesOrigin = !anyOrigin
        if anyOrigin {
            allowedHead = run(statusLine + "access-control-allow-origin: *\r\n" + credentials + "access-control-allow-methods: ")
            afterOrigin = run("")
        } else {
            allowedHead = run(statusLine + "access-control-allow-origin: ")
            afterOrigin = run("\r\n" + credentials + "access-control-allow-methods: ")
        }
        allowHeadersName = run("\r\naccess-control-allow-headers: ")
        allowedTail = run("\r\n" + maxAge + "vary: " + vary + "\r\n" + framing)
        deniedHead = run("HTTP/1.1 403 Forbidden\r\nvary: \(PreflightEvaluator.varyAll)\r\ncontent-length: 0\r\n")

        let expose = policy.configuration.exposeHeaders.isEmpty
            ? "" : "access-control-expose-headers: " + policy.configuration.exposeHeaders.joined(separator: ", ") + "\r\n"
        let varyOrigin = anyOrigin ? "" : "vary: origin\r\n"
        if anyOrigin {
            actualAllowedHead = run("HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\n" + expose)
            actualAfterOrigin = run("")
        } else {
            actualAllowedHead = run("HTTP/1.1 200 OK\r\naccess-control-allow-origin: ")
            actualAfterOrigin = run("\r\n" + credentials + expose + varyOrigin)
        }
        actualOtherHead = run("HTTP/1.1 200 OK\r\n" + varyOrigin)
        actualFraming = run("content-type: text/plain; charset=utf-8\r\ncontent-length: \(Self.actualBody.utf8.count)\r\n")
        body = run(Self.actualBody)
        closeLine = run("connection: close\r\n")
        storage = RunStorage(runs)
        self.runs = UnsafeRawPointer(storage.bytes)
        // The longest fixed part of any response, `connection: close`, the
        // blank line, and the slack of the chunked copies of runs.
        let preflight = max(allowedHead.count + afterOrigin.count + allowHeadersName.count + allowedTail.count, deniedHead.count)
        let actual = max(actualAllowedHead.count + actualAfterOrigin.count, actualOtherHead.count) + actualFraming.count + body.count
        fixedCapacity = max(preflight, actual) + closeLine.count + 2 + ByteCopy.chunkSlack
    }

    /// The capacity a buffer needs for any response to these inputs.
    @inlinable
    public func capacity(originCount: Int, methodCount: Int, requestHeadersCount: Int, extraCount: Int = 0) -> Int {
        fixedCapacity &+ originCount &+ methodCount &+ requestHeadersCount &+ extraCount
    }

    /// Writes the response head for a decided preflight into `out` and
    /// returns the number of bytes written, or nil when `out` is smaller
    /// than `capacity(...)` for these inputs (nothing useful is written then).
    ///
    /// `origin`, `method` and `requestHeaders` must be those the decision was
    /// made on; only an allowed decision echoes them.
    ///
    /// - Complexity: O(bytes written); allocates nothing.
    public func writePreflight(_ decision: PreflightDecision, origin: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer,
                               requestHeaders: UnsafeRawBufferPointer?, connectionClose: Bool = false,
                               extraHeaderLines: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                               into out: UnsafeMutableRawBufferPointer) -> Int? {
        let headerCount = requestHeaders?.count ?? 0
        guard let base = out.baseAddress,
              out.count >= capacity(originCount: origin.count, methodCount: method.count, requestHeadersCount: headerCount,
                                    extraCount: extraHeaderLines.count)
        else { return nil }
        var length = 0
        if decision.isAllowed {
            append(allowedHead, to: base, at: &length)
            if echoesOrigin {
                append(origin, to: base, at: &length)
                append(afterOrigin, to: base, at: &length)
            }
            append(method, to: base, at: &length)
            if let requestHeaders, requestHeaders.count > 0 {
                appendHeaderList(requestHeaders, to: base, at: &length)
            }
            append(allowedTail, to: base, at: &length)
        } else {
            append(deniedHead, to: base, at: &length)
        }
        return finish(base, at: length, connectionClose: connectionClose, extraHeaderLines: extraHeaderLines)
    }

    // Lengths add without overflow checks: `capacity(...)`, checked first,
    // bounds their sum by the buffer's size.
    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer, to base: UnsafeMutableRawPointer, at length: inout Int) {
        guard let from = bytes.baseAddress else { return }
        ByteCopy.copy(base + length, from, bytes.count)
        length &+= bytes.count
    }

    @inline(__always)
    func append(_ run: ByteRun, to base: UnsafeMutableRawPointer, at length: inout Int) {
        ByteCopy.copyInChunks(base + length, runs + run.start, run.count)
        length &+= run.count
    }

    /// `connection: close` when asked, the extra lines and the blank line; returns the length.
    @inline(__always)
    func finish(_ base: UnsafeMutableRawPointer, at start: Int, connectionClose: Bool, extraHeaderLines: UnsafeRawBufferPointer) -> Int {
        var length = start
        if connectionClose { append(closeLine, to: base, at: &length) }
        append(extraHeaderLines, to: base, at: &length)
        base.storeBytes(of: 0x0A0D, toByteOffset: length, as: UInt16.self)  // "\r\n", little-endian
        return length &+ 2
    }

    /// `access-control-allow-headers: <list>` when the list names anything.
    @inline(__always)
    func appendHeaderList(_ list: UnsafeRawBufferPointer, to base: UnsafeMutableRawPointer, at length: inout Int) {
        guard RequestHeaderList.namesAnything(list) else { return }
        append(allowHeadersName, to: base, at: &length)
        append(list, to: base, at: &length)
    }

    /// Writes the whole response to an actual request (status, CORS headers
    /// for an allowed origin, `Vary: Origin`, and the body `actualBody`)
    /// into `out`; nil when `out` is smaller than `capacity(originCount:
    /// ..., methodCount: 0, requestHeadersCount: 0, extraCount:)`.
    ///
    /// - Complexity: O(bytes written); allocates nothing.
    public func writeActual(originAllowed: Bool, origin: UnsafeRawBufferPointer, connectionClose: Bool = false,
                            extraHeaderLines: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                            into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard let base = out.baseAddress,
              out.count >= capacity(originCount: origin.count, methodCount: 0, requestHeadersCount: 0, extraCount: extraHeaderLines.count)
        else { return nil }
        var length = 0
        if originAllowed {
            append(actualAllowedHead, to: base, at: &length)
            if echoesOrigin {
                append(origin, to: base, at: &length)
                append(actualAfterOrigin, to: base, at: &length)
            }
        } else {
            append(actualOtherHead, to: base, at: &length)
        }
        append(actualFraming, to: base, at: &length)
        length = finish(base, at: length, connectionClose: connectionClose, extraHeaderLines: extraHeaderLines)
        append(body, to: base, at: &length)
        return length
    }

    /// RFC 9110's reason phrases for the ok statuses a policy may use (the
    /// phrase is informative; an unknown one is left empty, which HTTP allows).
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 203: return "Non-Authoritative Information"
        case 204: return "No Content"
        case 205: return "Reset Content"
        case 206: return "Partial Content"
        default: return ""
        }
    }
}

/// Where one precomputed run lies in `RunStorage`: its offset and length,
/// both kept so that writing computes neither.
struct ByteRun: Sendable {
    let start: Int
    let count: Int
}

/// The writer's precomputed bytes: written once in `init`, then only read.
///
/// `@unchecked Sendable` is safe: `bytes` is filled before the initializer
/// returns and never written again, and it is freed only in `deinit`, when no
/// writer holding this storage (and so no reader of the pointer) remains.
final class RunStorage: @unchecked Sendable {
    let bytes: UnsafeMutableRawPointer

    init(_ contents: [UInt8]) {
        // Padding: runs are copied in whole chunks (`ByteCopy.copyInChunks`).
        let size = contents.count + ByteCopy.chunkSlack
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        contents.withUnsafeBytes { bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        self.bytes = bytes
    }

    deinit { bytes.deallocate() }
}
