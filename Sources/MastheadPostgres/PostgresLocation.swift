import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A PostgreSQL database as `--db` names it:
/// `postgres://user:password@host:port/database?sslmode=…` (or `postgresql://`). The
/// password may be percent-encoded; `sslmode` is libpq's: `disable`, `prefer` (the default:
/// TLS when the server offers it), `require` (TLS, certificate not checked), `verify-ca`
/// (the certificate chains to a trusted root) or `verify-full` (and names the host).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The most connections the client opens (`--db-connections`); not part of the URL.
    public var maximumConnections = 16

    /// A URL that names no PostgreSQL database; the description says why, in one line.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `text` is meant as a PostgreSQL URL rather than an SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL's parts; a URL that misses one or has an unknown parameter is refused with a
    /// line saying what is wrong (never repeating the password).
    public init(url text: String) throws(Invalid) {
        func invalid(_ reason: String) -> Invalid {
            Invalid(
                description: "invalid database URL: \(reason); expected postgres://user:password@host:port/database"
            )
        }
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw invalid("it is not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("it names no host") }
        guard let username = components.user, !username.isEmpty else { throw invalid("it names no user") }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { throw invalid("it names no database") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw invalid("unknown parameter '\(item.name)'") }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw invalid("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            tls = mode
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
        self.tls = tls
    }

    /// The URL, password included: what `--db` takes.
    public var url: String {
        let secret =
            password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        return "postgres://\(username)\(secret)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }

    /// The URL with its password hidden, for logs and messages.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }

    /// The client configuration this location describes, with Masthead's pool bounds.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: clientTLS
        )
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = maximumConnections
        // PostgresNIO's keep-alive (`SELECT 1` on idle connections) sends its statement past
        // `PGConnection`; one sent as its connection closes is never answered, and the pool's
        // run, and so the instance's shutdown, would wait for it for ever. Idle connections are
        // closed after the pool's idle time-out instead, and a dead one fails its next statement.
        configuration.options.keepAliveBehavior = nil
        return configuration
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration)
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
        }
    }

    /// What `sslmode` asks of the server's certificate.
    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: break
        }
        return configuration
    }

    /// Connects once and closes, so that start-up can say at once why the server refuses
    /// (a pool only reports that it stopped trying); and, after an outage, so that the engine
    /// knows when the server is back.
    public func probe(logger: Logger, timeout: TimeAmount = .seconds(5)) async throws {
        let connectionTLS: PostgresConnection.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration))
            case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        var configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: connectionTLS
        )
        configuration.options.connectTimeout = timeout
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(),
            configuration: configuration,
            id: 0,
            logger: logger
        ).get()
        try await connection.close().get()
    }
}
