import Foundation
import Logging
import MastheadPostgres
import MastheadSQLite
import MastheadStorage

/// Everything Masthead can be configured with, gathered in one value. The executable reads
/// it from flags, the environment and a config file (`AppConfiguration.resolve`, `Setting`);
/// tests build it directly.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Path of the SQLite database file, created if missing.
    public var databasePath: String
    /// Load the demo publication into an empty database at start-up.
    public var loadDemoContent: Bool
    /// With demo content: make and show an admin token when there is none. Off where
    /// standard output is a shared log (a container's), so that no token lands in it.
    public var makeDemoToken = true
    public var logLevel: Logger.Level
    /// Take client addresses from `X-Forwarded-For`, as set by a reverse proxy in front.
    public var trustProxy: Bool
    /// With `trustProxy`: how many proxies in front append to `X-Forwarded-For`. The client's
    /// address is the entry this many from the right.
    public var proxyHops: Int
    /// How the database makes commits durable.
    public var synchronous: DatabaseDurability
    /// How long one full-text read may run before it is stopped with a 503.
    public var searchTimeout: Duration
    /// A folder of static files served at `/` beside the API, if any.
    public var siteFolder: String?
    /// How many revisions each article keeps.
    public var revisionsKept = StoreLimits.defaultRevisionsKept
    /// Where and how webhooks are delivered.
    public var webhooks = WebhookSettings()
    /// The most connections one instance opens to a PostgreSQL database.
    public var databaseConnections = 16
    public var views: ViewSettings
    /// Uploads and the images made of them.
    public var media = MediaSettings()
    /// Bytes the in-process response cache may hold; 0 turns it off.
    public var cacheMaxBytes: Int
    public var cachePolicy: CachePolicy
    /// How log lines are written.
    public var logFormat: LogFormat
    /// Failed authentications one address may make per minute before it is refused; 0 is no limit.
    public var authFailureLimit: Int
    /// What one address may ask without a token (`RateLimiter`).
    public var rateLimit = RateLimitPolicy()
    /// Browser origins allowed to call the API: `*` lets any origin read; writes are allowed
    /// only from origins listed by name.
    public var corsOrigins: CORSPolicy
    /// Serve `GET /metrics`.
    public var metricsEnabled: Bool
    /// The SQLite database is replicated by Litestream running beside Masthead.
    public var litestream = false
    /// When set, `/metrics` answers only `Authorization: Bearer` with it.
    public var metricsToken: String?
    /// The front end's preview page for new preview links; nil for the API's own address.
    public var previewURL: PreviewURLTemplate?
    public var limits: ConnectionLimits

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databasePath: String = "./masthead.sqlite",
        loadDemoContent: Bool = false,
        logLevel: Logger.Level = .info,
        trustProxy: Bool = false,
        proxyHops: Int = 1,
        synchronous: DatabaseDurability = .full,
        searchTimeout: Duration = .seconds(2),
        views: ViewSettings = ViewSettings(),
        cacheMaxBytes: Int = 64 << 20,
        cachePolicy: CachePolicy = CachePolicy(),
        logFormat: LogFormat = .text,
        authFailureLimit: Int = 20,
        corsOrigins: CORSPolicy = CORSPolicy(),
        metricsEnabled: Bool = true,
        previewURL: PreviewURLTemplate? = nil,
        limits: ConnectionLimits = ConnectionLimits()
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.loadDemoContent = loadDemoContent
        self.logLevel = logLevel
        self.trustProxy = trustProxy
        self.proxyHops = proxyHops
        self.synchronous = synchronous
        self.searchTimeout = searchTimeout
        self.views = views
        self.cacheMaxBytes = cacheMaxBytes
        self.cachePolicy = cachePolicy
        self.logFormat = logFormat
        self.authFailureLimit = authFailureLimit
        self.corsOrigins = corsOrigins
        self.metricsEnabled = metricsEnabled
        self.previewURL = previewURL
        self.limits = limits
    }

    /// The described kinds the stores hold and the API serves (`DescribedInput`); tests add
    /// kinds of their own.
    package var describedKinds: [any DescribedInput.Type] = DescribedKinds.all

    /// What the stores are bounded by.
    public var storeLimits: StoreLimits {
        StoreLimits(searchTimeout: searchTimeout, revisionsKept: revisionsKept)
    }

    /// A configuration value that cannot be used; `description` is one line for the operator.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Each setting from the first of `sources` that gives it (`Setting`: flag, environment,
    /// config file), else its default. A value that cannot be used is `Invalid`.
    public static func resolve(_ sources: SettingSources) throws(Invalid) -> AppConfiguration {
        var configuration = AppConfiguration()
        if let host = try sources.text(.host) {
            guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
                throw Invalid(description: "invalid host '\(host)': expected an address or name such as 127.0.0.1")
            }
            configuration.host = host
        }
        if let text = try sources.text(.port) {
            guard let port = Int(text), (0...65_535).contains(port) else {
                throw Invalid(description: "invalid port '\(text)': expected a whole number from 0 to 65535")
            }
            configuration.port = port
        }
        if let path = try sources.text(.db) {
            guard !path.isEmpty else { throw Invalid(description: "invalid database path: it is empty") }
            if PostgresLocation.isURL(path) {
                do { _ = try PostgresLocation(url: path) } catch { throw Invalid(description: error.description) }
            }
            configuration.databasePath = path
        }
        configuration.loadDemoContent = try sources.boolean(.demo) ?? false
        configuration.makeDemoToken = try sources.boolean(.demoToken) ?? true
        configuration.trustProxy = try sources.boolean(.trustProxy) ?? false
        if let text = try sources.text(.proxyHops) {
            guard let hops = Int(text), (1...10).contains(hops) else {
                throw Invalid(description: "invalid proxy hops '\(text)': expected 1 to 10 proxies")
            }
            configuration.proxyHops = hops
        }
        if let text = try sources.text(.dbConnections) {
            guard let connections = Int(text), (1...1000).contains(connections) else {
                throw Invalid(description: "invalid db connections '\(text)': expected 1 to 1000")
            }
            configuration.databaseConnections = connections
        }
        if let text = try sources.text(.synchronous) {
            guard let durability = DatabaseDurability(rawValue: text.lowercased()) else {
                throw Invalid(description: "invalid synchronous setting '\(text)': expected full or normal")
            }
            configuration.synchronous = durability
        }
        if let text = try sources.text(.searchTimeout) {
            guard let seconds = DurationText.seconds(text), seconds >= 0.01, seconds <= 60 else {
                throw Invalid(description: "invalid search timeout '\(text)': expected 10ms to 60s, such as 2s")
            }
            configuration.searchTimeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        if let text = try sources.text(.logLevel) {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw Invalid(description: "invalid log level '\(text)': expected one of \(levels)")
            }
            configuration.logLevel = level
        }
        if let text = try sources.text(.viewsFlushInterval) {
            guard let seconds = DurationText.seconds(text), seconds >= 0.01, seconds <= 3600 else {
                throw Invalid(
                    description: "invalid views flush interval '\(text)': expected 10ms to 1h, such as 1s or 500ms"
                )
            }
            configuration.views.flushInterval = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        if let text = try sources.text(.viewsDedupeWindow) {
            guard let seconds = DurationText.seconds(text), seconds >= 0, seconds <= 7 * 86_400 else {
                throw Invalid(description: "invalid views dedupe window '\(text)': expected 0 (off) to 7d, such as 30m")
            }
            configuration.views.dedupeWindowSeconds = Int64(seconds.rounded())
        }
        if let text = try sources.text(.viewsPerAddress) {
            guard let count = Int(text), (1...1000).contains(count) else {
                throw Invalid(description: "invalid views per address '\(text)': expected 1 to 1000")
            }
            configuration.views.maximumPerAddress = count
        }
        if let text = try sources.text(.cacheMaxBytes) {
            guard let bytes = ByteCountText.bytes(text), bytes <= 1 << 40 else {
                throw Invalid(
                    description: "invalid cache size '\(text)': expected bytes such as 67108864, 64MiB or 0 (off)"
                )
            }
            configuration.cacheMaxBytes = bytes
        }
        if let text = try sources.text(.uploadMaxBytes) {
            guard let bytes = ByteCountText.bytes(text), (1...(1 << 32)).contains(bytes) else {
                throw Invalid(description: "invalid upload size '\(text)': expected bytes such as 25MiB, up to 4GiB")
            }
            configuration.media.maxUploadBytes = Int64(bytes)
        }
        if let folder = try sources.text(.mediaCacheFolder) {
            guard !folder.isEmpty else { throw Invalid(description: "invalid media cache folder: it is empty") }
            configuration.media.cacheFolder = folder
        }
        if let text = try sources.text(.mediaCacheMaxBytes) {
            guard let bytes = ByteCountText.bytes(text), bytes <= 1 << 40 else {
                throw Invalid(description: "invalid media cache size '\(text)': expected bytes such as 512MiB")
            }
            configuration.media.cacheMaxBytes = bytes
        }
        if let text = try sources.text(.cacheMaxAge) {
            guard let seconds = DurationText.seconds(text), seconds <= 365 * 86_400 else {
                throw Invalid(description: "invalid cache max age '\(text)': expected a duration such as 60s or 5m")
            }
            configuration.cachePolicy.maxAge = Int(seconds.rounded())
        }
        if let text = try sources.text(.staleIfError) {
            guard let seconds = DurationText.seconds(text), seconds <= 7 * 86_400 else {
                throw Invalid(
                    description:
                        "invalid stale-if-error '\(text)': expected a duration up to 7d such as 5m, or 0 (never)"
                )
            }
            configuration.cachePolicy.staleIfError = Int(seconds.rounded())
        }
        if let text = try sources.text(.logFormat) {
            guard let format = LogFormat(rawValue: text.lowercased()) else {
                throw Invalid(description: "invalid log format '\(text)': expected text or json")
            }
            configuration.logFormat = format
        }
        if let text = try sources.text(.authFailureLimit) {
            guard let limit = Int(text), (0...1_000_000).contains(limit) else {
                throw Invalid(description: "invalid auth failure limit '\(text)': expected 0 (no limit) to 1000000")
            }
            configuration.authFailureLimit = limit
        }
        if let text = try sources.text(.rateLimit) {
            guard let rate = Int(text), (0...10_000_000).contains(rate) else {
                throw Invalid(description: "invalid rate limit '\(text)': expected 0 (no limit) to 10000000 a minute")
            }
            configuration.rateLimit.perMinute = rate
        }
        if let text = try sources.text(.rateLimitBurst) {
            guard let burst = Int(text), (1...10_000_000).contains(burst) else {
                throw Invalid(description: "invalid rate limit burst '\(text)': expected 1 to 10000000")
            }
            configuration.rateLimit.burst = burst
        }
        if !configuration.rateLimit.isOff, configuration.rateLimit.burst < RequestCost.expensive {
            throw Invalid(
                description:
                    "invalid rate limit burst \(configuration.rateLimit.burst): expected at least \(RequestCost.expensive), the cost of one search"
            )
        }
        if let text = try sources.text(.corsOrigins) {
            guard let policy = CORSPolicy(parsing: text) else {
                throw Invalid(
                    description:
                        "invalid CORS origins '\(text)': expected *, or origins such as https://admin.example.com, comma-separated"
                )
            }
            configuration.corsOrigins = policy
        }
        configuration.metricsEnabled = try sources.boolean(.metrics) ?? true
        configuration.litestream = try sources.boolean(.litestream) ?? false
        if let token = try sources.text(.metricsToken) {
            guard token.count >= 16, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw Invalid(
                    description: "invalid metrics token: expected at least 16 printable characters, no spaces"
                )
            }
            configuration.metricsToken = token
        }
        if let text = try sources.text(.previewURL) {
            guard let template = PreviewURLTemplate(text) else {
                throw Invalid(
                    description:
                        "invalid preview URL '\(text)': expected an http or https URL with {token}, such as https://signal.example/preview/{slug}?token={token}"
                )
            }
            configuration.previewURL = template
        }
        configuration.webhooks.targets.allowHTTP = try sources.boolean(.webhooksAllowHTTP) ?? false
        configuration.webhooks.targets.allowPrivateAddresses = try sources.boolean(.webhooksAllowPrivate) ?? false
        if let folder = try sources.text(.site) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw Invalid(description: "invalid site '\(folder)': expected a folder of static files")
            }
            configuration.siteFolder = folder
        }
        if let text = try sources.text(.revisionsKept) {
            guard let kept = Int(text), (1...10_000).contains(kept) else {
                throw Invalid(description: "invalid revisions kept '\(text)': expected 1 to 10000")
            }
            configuration.revisionsKept = kept
        }
        configuration.limits.shutdownTimeout = try duration(
            try sources.text(.shutdownTimeout),
            name: "shutdown timeout",
            default: configuration.limits.shutdownTimeout
        )
        // Unless given, the grace outlasts the shutdown timeout by 15 s at least.
        configuration.limits.shutdownGrace = try duration(
            try sources.text(.shutdownGrace),
            name: "shutdown grace",
            default: max(configuration.limits.shutdownGrace, configuration.limits.shutdownTimeout + .seconds(15))
        )
        guard configuration.limits.shutdownGrace > configuration.limits.shutdownTimeout else {
            throw Invalid(
                description:
                    "invalid shutdown grace: expected longer than the shutdown timeout (\(configuration.limits.shutdownTimeout))"
            )
        }
        configuration.limits.idleTimeout = try duration(
            try sources.text(.idleTimeout),
            name: "idle timeout",
            default: configuration.limits.idleTimeout
        )
        configuration.limits.readTimeout = try duration(
            try sources.text(.readTimeout),
            name: "read timeout",
            default: configuration.limits.readTimeout
        )
        configuration.limits.writeTimeout = try duration(
            try sources.text(.writeTimeout),
            name: "write timeout",
            default: configuration.limits.writeTimeout
        )
        if let text = try sources.text(.maxHeaderBytes) {
            guard let bytes = ByteCountText.bytes(text), (1024...(1 << 20)).contains(bytes) else {
                throw Invalid(description: "invalid max header bytes '\(text)': expected 1KiB to 1MiB, such as 16KiB")
            }
            configuration.limits.maxHeaderBytes = bytes
        }
        return configuration
    }

    /// A timeout from 100ms to 1h.
    private static func duration(_ text: String?, name: String, default value: Duration) throws(Invalid) -> Duration {
        guard let text else { return value }
        guard let seconds = DurationText.seconds(text), seconds >= 0.1, seconds <= 3600 else {
            throw Invalid(description: "invalid \(name) '\(text)': expected 100ms to 1h, such as 10s")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// How log lines are written: `text` for people, `json` (one object per line) for log shippers.
public enum LogFormat: String, Sendable {
    case text
    case json
}

/// How long connections may take and how large request heads may be, so slow or idle
/// clients cannot hold connections forever.
public struct ConnectionLimits: Sendable {
    /// How long in-flight requests may take to finish after SIGTERM or SIGINT.
    public var shutdownTimeout: Duration = .seconds(10)
    /// How long the whole shutdown may take before the process ends with status 70, naming
    /// the services that had not stopped (`ShutdownWatch`).
    public var shutdownGrace: Duration = .seconds(25)
    /// How long a connection may wait without a complete request head: idle keep-alive
    /// time, and slowly trickled headers.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a request's body may take to arrive after its head.
    public var readTimeout: Duration = .seconds(30)
    /// How long a response may wait for a client that has stopped reading it; then the
    /// connection is closed and its buffers freed.
    public var writeTimeout: Duration = .seconds(30)
    /// The most header bytes a request may send; more is answered 400 and the connection closed.
    public var maxHeaderBytes: Int = 16 << 10

    public init() {}
}

/// Durations as operators write them: `500ms`, `1s`, `30m`, `2h`, `7d`; a bare number is seconds.
package enum DurationText {
    package static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400),
        ]
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 1)
        guard let value = Double(text.dropLast(unit.suffix.count)), value.isFinite, value >= 0 else { return nil }
        return value * unit.seconds
    }
}
