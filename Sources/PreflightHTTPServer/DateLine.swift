#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `date` header line (RFC 9110 section 6.6.1: an origin server with a
/// clock sends one), formatted once per second into a fixed buffer and
/// reused by every response in that second: no allocation per response.
struct DateLine {
    /// `date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`
    static let length = 37
    private var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    private var second = -1

    /// The line for now, valid until the next call.
    mutating func withCurrentLine<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        let now = time(nil)
        if now != second { format(now) }
        return withUnsafeBytes(of: &bytes) { body(UnsafeRawBufferPointer(rebasing: $0.prefix(Self.length))) }
    }

    private mutating func format(_ now: time_t) {
        second = now
        var t = tm()
        var clock = now
        gmtime_r(&clock, &t)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text = "date: \(days[Int(t.tm_wday)]), \(two(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) "
            + "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) GMT\r\n"
        withUnsafeMutableBytes(of: &bytes) { out in
            for (i, b) in text.utf8.prefix(Self.length).enumerated() { out[i] = b }
        }
    }
}
