import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadTestSupport
import NIOCore
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

#if canImport(Glibc)
import Glibc
#endif

/// Slow and idle clients cannot hold a connection forever; request heads have a size cap.
/// Each test runs a real server on a loopback port and talks to it over a plain socket.
@Suite struct ConnectionLimitTests {
    /// Runs the application on a free port with short limits, hands `body` the port, then
    /// shuts the server down.
    static func withServer(
        _ limits: ConnectionLimits,
        _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        var configuration = AppConfiguration(port: 0, databasePath: folder.databasePath, logLevel: .error)
        configuration.limits = limits
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(
            configuration,
            logger: Logger(label: "limits"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }
        )
        let group = makeServiceGroup(
            running: app,
            shutdownTimeout: .seconds(5),
            signals: [],
            logger: Logger(label: "t")
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func limits(
        idle: Duration = .seconds(30),
        read: Duration = .seconds(30),
        write: Duration = .seconds(30),
        header: Int = 16 << 10
    ) -> ConnectionLimits {
        var limits = ConnectionLimits()
        limits.idleTimeout = idle
        limits.readTimeout = read
        limits.writeTimeout = write
        limits.maxHeaderBytes = header
        return limits
    }

    @Test func anIdleConnectionIsClosed() async throws {
        try await Self.withServer(Self.limits(idle: .milliseconds(300))) { port in
            // Closed with nothing said; left open, this reads "<still open>" after 10 s.
            let socket = try LoopbackSocket(port: port)
            #expect(await socket.readUntilClosed(within: .seconds(10)) == "")
        }
    }

    @Test func aBodyThatTricklesIsCutOff() async throws {
        try await Self.withServer(Self.limits(read: .milliseconds(300))) { port in
            let socket = try LoopbackSocket(port: port)
            socket.send(
                "POST /v1/tags HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            let received = await socket.readUntilClosed(within: .seconds(10))
            #expect(!received.hasSuffix("<still open>"), "the connection is closed")
        }
    }

    /// A client that asks for more than the socket buffers hold and never reads is cut off
    /// once the server has waited the write timeout, and its buffered responses go with it.
    @Test func aClientThatStopsReadingIsCutOff() async throws {
        try await Self.withServer(Self.limits(write: .milliseconds(500))) { port in
            let socket = try LoopbackSocket(port: port, receiveBuffer: 4096)
            let requests = 400
            // 400 pipelined requests for the 80 KiB OpenAPI document: 30 MiB of answers,
            // far more than the kernel buffers on both ends hold.
            socket.send(String(repeating: "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n", count: requests))
            // Not reading until the answers stop arriving: the buffers are full and the server
            // has been waiting on them for a second, twice its write timeout. Waiting for
            // that, rather than a fixed time, keeps the test right on a loaded machine, where
            // making the answers can take longer than any fixed wait.
            var unread = -1
            var still = 0
            for _ in 0..<120 where still < 4 {
                try await Task.sleep(for: .milliseconds(250))
                let now = socket.unreadBytes
                still = now == unread ? still + 1 : 0
                unread = now
            }
            let received = await socket.readUntilClosed(within: .seconds(20))
            let closed = !received.hasSuffix("<still open>")
            #expect(closed, "the connection is closed")
            let answered = received.components(separatedBy: "HTTP/1.1 200 OK").count - 1
            #expect(answered < requests, "the server stopped writing; \(answered) answers arrived")
            // The server goes on serving everyone else.
            let other = try LoopbackSocket(port: port)
            other.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await other.readUntilClosed(within: .seconds(10)).hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func aCompleteRequestIsAnsweredWithinTheLimits() async throws {
        try await Self.withServer(Self.limits(idle: .seconds(2), read: .seconds(2))) { port in
            let socket = try LoopbackSocket(port: port)
            socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let answer = await socket.readUntilClosed(within: .seconds(10))
            #expect(answer.hasPrefix("HTTP/1.1 200 OK"), "\(answer)")
        }
    }

    @Test func headersOverTheCapAreRefused() async throws {
        try await Self.withServer(Self.limits(header: 4096)) { port in
            let big = LoopbackSocket.request(extraHeader: String(repeating: "a", count: 5000))
            let refused = try LoopbackSocket(port: port)
            refused.send(big)
            let answer = await refused.readUntilClosed(within: .seconds(10))
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")

            let fine = try LoopbackSocket(port: port)
            fine.send(LoopbackSocket.request(extraHeader: String(repeating: "a", count: 3000)))
            #expect(await fine.readUntilClosed(within: .seconds(10)).hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func limitsAreConfigurable() async throws {
        let configuration = try await resolveConfiguration([
            .shutdownTimeout: "30s", .idleTimeout: "2m", .readTimeout: "500ms", .writeTimeout: "5s",
            .maxHeaderBytes: "8KiB",
        ])
        #expect(configuration.limits.writeTimeout == .seconds(5))
        #expect(
            try await resolveConfiguration(environment: ["MASTHEAD_WRITE_TIMEOUT": "750ms"])
                .limits.writeTimeout == .milliseconds(750)
        )
        #expect(configuration.limits.shutdownTimeout == .seconds(30))
        #expect(configuration.limits.idleTimeout == .seconds(120))
        #expect(configuration.limits.readTimeout == .milliseconds(500))
        #expect(configuration.limits.maxHeaderBytes == 8192)
        let defaults = try await resolveConfiguration(environment: [:])
        #expect(defaults.limits.shutdownTimeout == .seconds(10))
        let fromEnvironment = try await resolveConfiguration(environment: ["MASTHEAD_SHUTDOWN_TIMEOUT": "5s"])
        #expect(fromEnvironment.limits.shutdownTimeout == .seconds(5))
        let refused: [[Setting: String]] = [
            [.shutdownTimeout: "0"], [.idleTimeout: "forever"], [.readTimeout: "2h"], [.writeTimeout: "1ms"],
            [.maxHeaderBytes: "10"],
        ]
        for flags in refused {
            await #expect(throws: AppConfiguration.Invalid.self) { try await resolveConfiguration(flags) }
        }
    }
}

/// A blocking TCP connection to 127.0.0.1, for tests that must send partial requests.
/// `@unchecked Sendable`: each test uses its socket from one task at a time, and the
/// descriptor is never changed after `init`.
final class LoopbackSocket: @unchecked Sendable {
    private let descriptor: Int32

    struct Failure: Error {}

    /// `receiveBuffer` shrinks the socket's receive buffer (before connecting, so the
    /// window the server sees is small too).
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure() }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure()
        }
    }

    deinit {
        close(descriptor)
    }

    static func request(extraHeader value: String) -> String {
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: \(value)\r\nConnection: close\r\n\r\n"
    }

    /// Bytes received and not read yet.
    var unreadBytes: Int {
        var count: Int32 = 0
        _ = ioctl(descriptor, UInt(FIONREAD), &count)
        return Int(count)
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything the server sends until it closes the connection, or until `limit` passes
    /// (then whatever arrived, followed by "<still open>"). The blocking read runs on a
    /// thread of its own: on the cooperative pool it could starve the server under test.
    func readUntilClosed(within limit: Duration) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: self.blockingRead(within: limit))
            }
        }
    }

    private func blockingRead(within limit: Duration) -> String {
        var timeout = timeval(tv_sec: Int(limit.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                return String(decoding: received, as: UTF8.self)
            } else {
                return String(decoding: received, as: UTF8.self) + "<still open>"
            }
        }
    }
}
