import Foundation
import MastheadDomain
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Where webhooks may be sent. By default only public addresses: a target that resolves to
/// loopback, private, link-local (cloud metadata), shared, multicast or reserved space is
/// refused, so that an admin token cannot make the server reach into its own network. The
/// address checked is the address connected to: the sender pins the name to it.
public struct WebhookTargets: Sendable, Equatable {
    /// Allow http:// targets (https only otherwise).
    public var allowHTTP: Bool
    /// Allow targets on loopback and private networks (tests, a receiver beside the server).
    public var allowPrivateAddresses: Bool

    public init(allowHTTP: Bool = false, allowPrivateAddresses: Bool = false) {
        self.allowHTTP = allowHTTP
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Why `text` cannot be a webhook's URL, or nil when it can (its address is checked when sent).
    package func problem(with text: String) -> String? {
        guard TextRules.isWebURL(text) else { return "must be an absolute URL of printable ASCII" }
        guard text.hasPrefix("https://") || (allowHTTP && text.hasPrefix("http://")) else {
            return "must be an https URL"
        }
        return nil
    }

    /// The address to connect to for `host`: the first it resolves to, refused unless public
    /// (or private addresses are allowed).
    /// A name that takes longer than `within` to resolve is refused: the lookup cannot be
    /// cancelled, but no delivery waits on it longer.
    package func address(for host: String, within limit: Duration) async throws -> String {
        let addresses = try await withThrowingTaskGroup(of: [IPAddress].self) { group in
            group.addTask { try await Self.resolve(host) }
            group.addTask {
                try await Task.sleep(for: limit)
                throw Refused(reason: "\(host) took longer than \(limit) to resolve")
            }
            defer { group.cancelAll() }
            return try await group.next() ?? []
        }
        guard let first = addresses.first else { throw Refused(reason: "\(host) does not resolve") }
        if !allowPrivateAddresses, let blocked = addresses.first(where: { !$0.isPublic }) {
            throw Refused(reason: "\(host) resolves to \(blocked.text), which is not a public address")
        }
        return first.text
    }

    package struct Refused: Error {
        package let reason: String
    }

    /// Every address `host` resolves to, looked up off the event loops.
    package static func resolve(_ host: String) async throws -> [IPAddress] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else {
                throw Refused(reason: "\(name) does not resolve")
            }
            defer { freeaddrinfo(list) }
            var addresses: [IPAddress] = []
            for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
                guard let address = entry.pointee.ai_addr else { continue }
                if let ip = IPAddress(address) { addresses.append(ip) }
            }
            return addresses
        }
    }
}

/// An IPv4 or IPv6 address, classified.
package struct IPAddress: Equatable {
    package let bytes: [UInt8]

    package init?(_ address: UnsafePointer<sockaddr>) {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let v4 = UnsafeRawPointer(address).load(as: sockaddr_in.self)
            bytes = withUnsafeBytes(of: v4.sin_addr.s_addr) { Array($0) }
        case AF_INET6:
            let v6 = UnsafeRawPointer(address).load(as: sockaddr_in6.self)
            bytes = withUnsafeBytes(of: v6.sin6_addr) { Array($0) }
        default:
            return nil
        }
    }

    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    package var text: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Reachable on the public internet: not loopback, private (RFC 1918, fc00::/7),
    /// link-local (169.254/16 holds cloud metadata, fe80::/10), shared (100.64/10),
    /// unspecified, multicast or reserved. IPv4-mapped and NAT64 IPv6 are judged by their IPv4.
    package var isPublic: Bool {
        if bytes.count == 4 { return Self.isPublicV4(bytes) }
        let b = bytes
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff {
            return Self.isPublicV4(Array(b[12...]))
        }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b { return Self.isPublicV4(Array(b[12...])) }
        // :: and ::1
        if b.allSatisfy({ $0 == 0 }) || (b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1) { return false }
        if b[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link-local
        if b[0] == 0xff { return false }  // multicast
        return true
    }

    private static func isPublicV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false
        case (169, 254): return false
        case (172, 16...31): return false
        case (192, 168): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false
        case (198, 18...19): return false
        case (198, 51) where b[2] == 100: return false
        case (203, 0) where b[2] == 113: return false
        case (224...255, _): return false
        default: return true
        }
    }
}
