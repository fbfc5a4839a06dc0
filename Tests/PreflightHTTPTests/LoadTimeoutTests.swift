import Dispatch
import Glibc
import PreflightLoadClient
import PreflightTestSupport
import PreflightWorkload
import Testing

/// `load` against a server that accepts connections and never answers: each
/// request is counted as a timeout within about one timeout (the connection's
/// watchdog checks four times per timeout), and the run still ends.
@Suite struct LoadTimeoutTests {
    /// A listening socket that is never accepted from: the kernel completes
    /// the handshakes and takes the requests, and nobody reads them.
    final class SilentListener {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.descriptor = descriptor
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
            }
            guard bound, listen(descriptor, 64) == 0 else { throw ListenerError() }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
        struct ListenerError: Error {}
    }

    @Test func requestsToASilentServerTimeOutAndTheRunEnds() throws {
        let listener = try SilentListener()
        let stream = try RequestStream(scenario: smallScenario("realistic"))
        var configuration = LoadConformanceTests.configuration(port: listener.port, requests: 3, connections: 1)
        configuration.threads = 1
        configuration.timeout = 0.2
        let started = DispatchTime.now()
        let result = try HTTPLoadGenerator.run(configuration, stream: stream, policy: stream.policy)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        #expect(result.errors["timeout"] == 3, "\(result.errors)")
        #expect(result.responses == 0)
        // Three timeouts of 0.2 s, each seen within 1.25 timeouts, and reconnects.
        #expect(seconds >= 0.6 && seconds < 5, "\(seconds) s")
    }
}
