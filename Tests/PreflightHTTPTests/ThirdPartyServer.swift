import Foundation
import NIOCore
import NIOPosix
import Testing

/// A CORS server nobody here wrote, started for one test: Starlette's
/// `CORSMiddleware` under uvicorn (from PyPI) or nginx with the usual
/// `map $http_origin` recipe (from Debian), each from a configuration
/// written to a temporary folder. .ci/run installs both.
final class ThirdPartyServer {
    let name: String
    let port: Int
    private let process: Process
    private let folder: URL

    /// A Starlette app whose `CORSMiddleware` takes `middleware` (JSON keyword arguments).
    static func starlette(_ name: String, middleware: String) throws -> ThirdPartyServer {
        try ThirdPartyServer(name: name) { folder, port in
            try """
                import json, os
                from starlette.applications import Starlette
                from starlette.middleware import Middleware
                from starlette.middleware.cors import CORSMiddleware
                from starlette.responses import PlainTextResponse
                from starlette.routing import Route

                async def ok(request):
                    return PlainTextResponse("ok")

                app = Starlette(routes=[Route("/{path:path}", ok, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])],
                                middleware=[Middleware(CORSMiddleware, **json.loads(os.environ["PREFLIGHT_CORS"]))])
                """.write(to: folder.appendingPathComponent("app.py"), atomically: true, encoding: .utf8)
            return (["python3", "-m", "uvicorn", "app:app", "--app-dir", folder.path, "--host", "127.0.0.1", "--port", "\(port)",
                     "--log-level", "warning"], ["PREFLIGHT_CORS": middleware])
        }
    }

    /// nginx answering preflights with the common copy-paste recipe; `origins` are the
    /// `map $http_origin $cors_origin` entries that decide which Origin is echoed;
    /// `allowHeaders`: the values of the `Access-Control-Allow-Headers` lines, one `add_header` each.
    static func nginx(_ name: String, origins: String, allowHeaders: [String] = ["x-request-id, content-type"]) throws -> ThirdPartyServer {
        try ThirdPartyServer(name: name) { folder, port in
            let f = folder.path
            try """
                worker_processes 1;
                pid \(f)/nginx.pid;
                error_log \(f)/error.log;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path \(f); proxy_temp_path \(f); fastcgi_temp_path \(f); uwsgi_temp_path \(f); scgi_temp_path \(f);
                    map $http_origin $cors_origin {
                        default "";
                        \(origins)
                    }
                    server {
                        listen 127.0.0.1:\(port);
                        location / {
                            if ($request_method = OPTIONS) {
                                add_header Access-Control-Allow-Origin $cors_origin always;
                                add_header Access-Control-Allow-Credentials true always;
                                add_header Access-Control-Allow-Methods "PUT, PATCH" always;
                                \(allowHeaders.map { "add_header Access-Control-Allow-Headers \"\($0)\" always;" }.joined(separator: " "))
                                add_header Access-Control-Max-Age 600 always;
                                add_header Vary Origin always;
                                return 204;
                            }
                            add_header Access-Control-Allow-Origin $cors_origin always;
                            add_header Access-Control-Allow-Credentials true always;
                            add_header Vary Origin always;
                            return 200 "ok";
                        }
                    }
                }
                """.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "nginx"
            return ([nginx, "-p", f, "-c", "\(f)/nginx.conf", "-g", "daemon off;"], [:])
        }
    }

    private init(name: String, command: (URL, Int) throws -> ([String], [String: String])) throws {
        self.name = name
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("preflight-bench-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = try Self.freePort()
        let (arguments, environment) = try command(folder, port)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        let log = folder.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // Up within 20 s, or the test fails with what the server printed.
        let deadline = Date().addingTimeInterval(20)
        while !Self.accepts(port: port) {
            guard process.isRunning, Date() < deadline else {
                let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                shutdown()
                throw ServerError("\(name) (\(arguments.joined(separator: " "))) did not start listening on \(port): \(printed.suffix(800))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// SIGTERM (nginx's master stops its worker on it; uvicorn exits), then SIGKILL after 5 s.
    func shutdown() {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// A port the kernel just handed out and took back: free unless another process races for it.
    static func freePort() throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let channel = try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress!.port!
        try channel.close().wait()
        return port
    }

    static func accepts(port: Int) -> Bool {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        guard let channel = try? ClientBootstrap(group: group).connectTimeout(.milliseconds(200)).connect(host: "127.0.0.1", port: port).wait() else {
            return false
        }
        try? channel.close().wait()
        return true
    }
}
