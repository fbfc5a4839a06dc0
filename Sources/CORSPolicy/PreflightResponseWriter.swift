// Public: the writer is inlinable, and its inlined code copies with ByteCopy and Word.
public import InternalByteUtilities

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
/// An allowed preflight's head is ordered so that everything fixed comes
/// first: the status line and the policy's lines, then
/// `access-control-allow-methods`, the header list, and the echoed origin
/// last. For each of the policy's own methods (up to `maximumRenderedMethods`,
/// eight bytes or shorter) the whole fixed part through the method is one
/// rendered run, found by comparing the request's method as one word: a
/// preflight is then one copy plus the echoes of its header list and origin.
///
/// A head ends with the caller's `extraHeaderLines` (each `name: value\r\n`,
/// for example `date`) and the blank line; `connectionClose` adds
/// `connection: close`.
public struct PreflightResponseWriter: Sendable {
    /// All precomputed runs, back to back; the ranges below index into them.
    /// Read through `runs`, a plain pointer, so writing touches no reference
    /// count. `nonisolated(unsafe)` is safe: it points into `storage`, which
    /// this value keeps alive and nobody writes after `init`.
    @usableFromInline let storage: RunStorage
    @usableFromInline nonisolated(unsafe) let runs: UnsafeRawPointer
    /// The rendered methods (`MethodRun`s, `methodCount` of them), in `storage`
    /// after the runs. `nonisolated(unsafe)`: as `runs`.
    @usableFromInline nonisolated(unsafe) let methodRuns: UnsafePointer<MethodRun>
    @usableFromInline let methodCount: Int
    /// Allowed preflight: status line and every fixed line, through
    /// `access-control-allow-methods: ` (with `access-control-allow-origin: *`
    /// when `*` answers every origin).
    @usableFromInline let allowedHead: ByteRun
    /// Whether the request's origin is echoed, last.
    @usableFromInline let echoesOrigin: Bool
    /// After the method when a header list follows: `access-control-allow-headers: `.
    @usableFromInline let allowHeadersName: ByteRun
    /// After the method or header list: `access-control-allow-origin: ` when
    /// the origin is echoed, else the line's end.
    @usableFromInline let toOrigin: ByteRun
    /// A denied preflight's whole head but the connection, extra lines and blank line.
    @usableFromInline let deniedHead: ByteRun
    /// An actual response for an allowed origin: head up to the origin, and after it.
    let actualAllowedHead: ByteRun
    let actualAfterOrigin: ByteRun
    /// An actual response for any other origin.
    let actualOtherHead: ByteRun
    /// The actual response's body (`actualBody`) and its framing, after the headers.
    let actualFraming: ByteRun
    let body: ByteRun
    @usableFromInline let closeLine: ByteRun

    /// The body of every actual response.
    public static let actualBody = "ok\n"

    /// How many of a policy's methods get a rendered run of their own; a
    /// method beyond them (or longer than eight bytes, or allowed by `*`) is
    /// echoed after `allowedHead`, with the same bytes as result.
    public static let maximumRenderedMethods = 8

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
        let head = statusLine + (anyOrigin ? "access-control-allow-origin: *\r\n" : "") + credentials + maxAge
            + "vary: " + vary + "\r\n" + framing + "access-control-allow-methods: "
        let headersName = "\r\naccess-control-allow-headers: "
        let originName = anyOrigin ? "\r\n" : "\r\naccess-control-allow-origin: "
        allowedHead = run(head)
        allowHeadersName = run(headersName)
        toOrigin = run(originName)
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

        // The policy's own methods, each rendered with the head before it and
        // what follows it (with and without a header list).
        var methods: [MethodRun] = []
        // The policy's methods first, then the safelisted ones browsers may also ask for.
        var seen = Set<String>()
        for method in policy.methods + ["GET", "POST", "HEAD"]
        where (1...8).contains(method.utf8.count) && methods.count < Self.maximumRenderedMethods && seen.insert(method).inserted {
            let word = Array(method.utf8).withUnsafeBytes { Word.load($0.baseAddress!, at: 0, count: $0.count) }
            methods.append(MethodRun(word: word, count: method.utf8.count,
                                     withHeaders: run(head + method + headersName), withoutHeaders: run(head + method + originName)))
        }
        storage = RunStorage(runs, methods)
        self.runs = UnsafeRawPointer(storage.bytes)
        methodRuns = UnsafePointer(storage.methods)
        methodCount = methods.count
        // The longest fixed part of any response, `connection: close`, the
        // blank line after the origin's line end, and the slack of the chunked copies of runs.
        let preflight = max(allowedHead.count + allowHeadersName.count + toOrigin.count + 2, deniedHead.count)
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
    /// Inlinable, so that a caller may save passing its dozen arguments.
    @inlinable
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
        guard decision.isAllowed else {
            append(deniedHead, to: base, at: &length)
            return finish(base, at: length, connectionClose: connectionClose, extraHeaderLines: extraHeaderLines)
        }
        let list = requestHeaders.flatMap { Self.namesAnything($0) ? $0 : nil }
        if let rendered = renderedMethod(method) {
            append(list == nil ? rendered.withoutHeaders : rendered.withHeaders, to: base, at: &length)
        } else {
            append(allowedHead, to: base, at: &length)
            append(method, to: base, at: &length)
            append(list == nil ? toOrigin : allowHeadersName, to: base, at: &length)
        }
        if let list {
            append(list, to: base, at: &length)
            append(toOrigin, to: base, at: &length)
        }
        if echoesOrigin {
            append(origin, to: base, at: &length)
            base.storeBytes(of: 0x0A0D, toByteOffset: length, as: UInt16.self)  // "\r\n", little-endian
            length &+= 2
        }
        return finish(base, at: length, connectionClose: connectionClose, extraHeaderLines: extraHeaderLines)
    }

    /// The rendered run of `method` when it is one of the policy's rendered
    /// methods: one word compare per rendered method.
    @inlinable @inline(__always)
    func renderedMethod(_ method: UnsafeRawBufferPointer) -> MethodRun? {
        guard let start = method.baseAddress, method.count &- 1 < 8 else { return nil }  // 1...8 bytes
        let word = Word.load(start, at: 0, count: method.count)
        var i = 0
        while i < methodCount {
            let candidate = methodRuns[i]
            if candidate.word == word && candidate.count == method.count { return candidate }
            i &+= 1
        }
        return nil
    }

    /// `RequestHeaderList.namesAnything`, at once for a list that starts with
    /// a lowercase letter (as browsers' lists do).
    @inlinable @inline(__always)
    static func namesAnything(_ list: UnsafeRawBufferPointer) -> Bool {
        guard let first = list.first else { return false }
        return first &- UInt8(ascii: "a") < 26 || namesAnythingSlowly(list)
    }

    @usableFromInline
    static func namesAnythingSlowly(_ list: UnsafeRawBufferPointer) -> Bool { RequestHeaderList.namesAnything(list) }

    // Lengths add without overflow checks: `capacity(...)`, checked first,
    // bounds their sum by the buffer's size.
    @inlinable @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer, to base: UnsafeMutableRawPointer, at length: inout Int) {
        guard let from = bytes.baseAddress else { return }
        ByteCopy.copy(base + length, from, bytes.count)
        length &+= bytes.count
    }

    @inlinable @inline(__always)
    func append(_ run: ByteRun, to base: UnsafeMutableRawPointer, at length: inout Int) {
        ByteCopy.copyInChunks(base + length, runs + run.start, run.count)
        length &+= run.count
    }

    /// `connection: close` when asked, the extra lines and the blank line; returns the length.
    @inlinable @inline(__always)
    func finish(_ base: UnsafeMutableRawPointer, at start: Int, connectionClose: Bool, extraHeaderLines: UnsafeRawBufferPointer) -> Int {
        var length = start
        if connectionClose { append(closeLine, to: base, at: &length) }
        append(extraHeaderLines, to: base, at: &length)
        base.storeBytes(of: 0x0A0D, toByteOffset: length, as: UInt16.self)  // "\r\n", little-endian
        return length &+ 2
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
@usableFromInline
struct ByteRun: Sendable {
    @usableFromInline let start: Int
    @usableFromInline let count: Int
}

/// One of the policy's methods, rendered: its bytes as a little-endian word
/// and its length, and the head through it, followed by
/// `access-control-allow-headers: ` (`withHeaders`) or by what comes before
/// the origin (`withoutHeaders`).
@usableFromInline
struct MethodRun {
    @usableFromInline let word: UInt64
    @usableFromInline let count: Int
    @usableFromInline let withHeaders: ByteRun
    @usableFromInline let withoutHeaders: ByteRun
}

/// The writer's precomputed bytes and rendered methods: written once in
/// `init`, then only read.
///
/// `@unchecked Sendable` is safe: `bytes` and `methods` are filled before the
/// initializer returns and never written again, and they are freed only in
/// `deinit`, when no writer holding this storage (and so no reader of the
/// pointers) remains.
@usableFromInline
final class RunStorage: @unchecked Sendable {
    let bytes: UnsafeMutableRawPointer
    let methods: UnsafeMutablePointer<MethodRun>

    init(_ contents: [UInt8], _ methodRuns: [MethodRun]) {
        // Padding: runs are copied in whole chunks (`ByteCopy.copyInChunks`).
        let size = contents.count + ByteCopy.chunkSlack
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        contents.withUnsafeBytes { bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        self.bytes = bytes
        methods = .allocate(capacity: max(1, methodRuns.count))
        methods.initialize(from: methodRuns, count: methodRuns.count)
    }

    deinit {
        bytes.deallocate()
        methods.deallocate()
    }
}
