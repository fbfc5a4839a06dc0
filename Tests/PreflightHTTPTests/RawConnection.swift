#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A blocking TCP connection for sending exact bytes (hostile ones
/// included) and reading what comes back, with a receive timeout so that a
/// server that never answers fails the test instead of hanging it.
final class RawConnection {
    let fd: Int32

    init(port: Int, receiveTimeout: Double = 5, receiveBufferBytes: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        if var size = receiveBufferBytes { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false when the peer has closed (EPIPE or reset).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the peer closes, `until` matches what was read, or the timeout passes.
    func read(until done: (String) -> Bool = { _ in false }) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (String(decoding: received, as: UTF8.self), true) }
            if n < 0 { return (String(decoding: received, as: UTF8.self), errno == ECONNRESET) }
            received += buffer[0..<n]
            let text = String(decoding: received, as: UTF8.self)
            if done(text) { return (text, false) }
        }
    }

    /// Reads `count` complete responses (heads, and bodies by content-length).
    func readResponses(_ count: Int) -> [String] {
        let (text, _) = read { Self.split($0).count >= count }
        return Self.split(text)
    }

    /// Splits a byte stream of responses at their ends (bytes, not
    /// characters: `\r\n` is one Character in Swift).
    static func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var responses: [String] = []
        var start = 0
        while let end = headEnd(bytes, from: start) {
            let head = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
            guard bytes.count - end >= length else { break }
            responses.append(String(decoding: bytes[start..<(end + length)], as: UTF8.self))
            start = end + length
        }
        return responses
    }

    static func headEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start + 3
        while i < bytes.count {
            if bytes[i] == 10 && bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 { return i + 1 }
            i += 1
        }
        return nil
    }
}
