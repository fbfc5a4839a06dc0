/// Where a request's body stands as `serve` reads past it: nothing depends
/// on a body's bytes, but its framing decides where the next request starts
/// (RFC 9112 section 6 and 7.1), so it is consumed exactly, never buffered.
enum RequestBody: Equatable {
    case none
    /// Bytes of a `Content-Length` body still to come.
    case length(Int)
    /// Before a chunk-size line.
    case chunkSize
    /// Bytes of a chunk still to come, then its CRLF.
    case chunkData(Int)
    case chunkEnd
    /// After the last chunk: trailer lines until an empty one; `bytes` read so far.
    case trailers(bytes: Int)

    enum Step {
        /// Consumed this many bytes; the state is updated; more is needed or the body ended.
        case consumed(Int)
        case malformed(StaticString)
    }

    /// The longest chunk-size line (with extensions) and trailer section accepted.
    static let chunkLineLimit = 1024
    static let trailerLimit = 16 * 1024

    /// Consumes what it can of `bytes`, the start of the unread input.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Step {
        var used = 0
        while used < bytes.count || self == .none {
            switch self {
            case .none:
                return .consumed(used)
            case let .length(left):
                let take = min(left, bytes.count - used)
                used += take
                self = left == take ? .none : .length(left - take)
            case .chunkSize:
                guard let lineEnd = Self.lineEnd(bytes, from: used, limit: Self.chunkLineLimit) else {
                    return bytes.count - used > Self.chunkLineLimit ? .malformed("a chunk-size line too long") : .consumed(used)
                }
                var size = 0, i = used, digits = 0
                while i < lineEnd, let d = Self.hexValue(bytes[i]) {
                    size = size &* 16 &+ d
                    digits += 1
                    i += 1
                }
                guard digits > 0, digits <= 15, i == lineEnd || bytes[i] == UInt8(ascii: ";") || bytes[i] == 0x20 || bytes[i] == 0x09 else {
                    return .malformed("a chunk size that is not hexadecimal")
                }
                used = lineEnd + 2
                self = size == 0 ? .trailers(bytes: 0) : .chunkData(size)
            case let .chunkData(left):
                let take = min(left, bytes.count - used)
                used += take
                self = left == take ? .chunkEnd : .chunkData(left - take)
            case .chunkEnd:
                guard bytes.count - used >= 2 else { return .consumed(used) }
                guard bytes[used] == 0x0D && bytes[used + 1] == 0x0A else { return .malformed("a chunk without its CRLF") }
                used += 2
                self = .chunkSize
            case let .trailers(read):
                guard let lineEnd = Self.lineEnd(bytes, from: used, limit: Self.trailerLimit - read) else {
                    return read + bytes.count - used > Self.trailerLimit ? .malformed("trailers too long") : .consumed(used)
                }
                let empty = lineEnd == used
                self = empty ? .none : .trailers(bytes: read + lineEnd + 2 - used)
                used = lineEnd + 2
            }
        }
        return .consumed(used)
    }

    /// The offset of the CRLF ending the line at `from`, if within `limit` bytes.
    static func lineEnd(_ b: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int? {
        var i = from
        let stop = min(b.count - 1, from + limit)
        while i < stop {
            if b[i] == 0x0D && b[i + 1] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: Int(c - 0x30)
        case 0x41...0x46: Int(c - 0x41 + 10)
        case 0x61...0x66: Int(c - 0x61 + 10)
        default: nil
        }
    }
}
