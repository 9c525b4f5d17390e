import Foundation

/// One setting of the server, by one name everywhere: the flag `--KEY`, the environment
/// variable `MASTHEAD_KEY` (upper case, `-` as `_`) and the key `"KEY"` of a JSON config
/// file, taken in that order of precedence, else the default.
public struct Setting: Sendable, Hashable {
    /// The flag's name without `--`, such as `views-flush-interval`.
    public let key: String
    /// What it does and what it takes, for `--help`.
    package let summary: String
    /// The default as an operator would write it; nil for a switch that is off by default.
    package let defaultText: String?

    package init(_ key: String, _ summary: String, default defaultText: String?) {
        self.key = key
        self.summary = summary
        self.defaultText = defaultText
    }

    /// `MASTHEAD_VIEWS_FLUSH_INTERVAL`: how `EnvironmentVariablesProvider` spells the key
    /// under the `masthead` prefix.
    public var environmentName: String {
        "MASTHEAD_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The `--help` line: what it does, where else it can be given, its default.
    public var help: String {
        let fallback = defaultText.map { " Default: \($0)" } ?? ""
        let environment = Self.switches.contains(self) ? "\(environmentName)=true or false" : environmentName
        return "\(summary) Env: \(environment).\(fallback)"
    }

    /// The settings that are on or off, spelled one way: `--NAME` and `--no-NAME` as flags,
    /// `true` or `false` in the environment and in a config file.
    public static let switches: Set<Setting> = [
        demo, demoToken, trustProxy, metrics, webhooksAllowHTTP, webhooksAllowPrivate, litestream,
    ]
}

extension Setting {
    public static let config = Setting(
        "config",
        """
        A JSON file of settings, keyed by these flags' names without the dashes, such as {"port": 8080}; \
        flags and the environment take precedence over it.
        """,
        default: nil
    )
    public static let db = Setting(
        "db",
        "SQLite database file, created if missing, or a PostgreSQL URL: postgres://user:password@host:port/db?sslmode=…",
        default: "./masthead.sqlite"
    )
    public static let logLevel = Setting(
        "log-level",
        "Log level: trace, debug, info, notice, warning, error or critical.",
        default: "info"
    )
    public static let host = Setting("host", "Address to listen on.", default: "127.0.0.1")
    public static let port = Setting("port", "Port to listen on (0 picks a free one).", default: "8080")
    public static let demo = Setting(
        "demo",
        """
        Load the demo publication (Signal and its catalog) if the database holds no content yet, and print \
        an admin token named 'demo' if it has no token yet.
        """,
        default: nil
    )
    public static let demoToken = Setting(
        "demo-token",
        """
        With --demo: make and print an admin token when the database has none (--no-demo-token: make none, \
        for a container whose output is a shared log; create one with `masthead token create`).
        """,
        default: "true"
    )
    public static let trustProxy = Setting(
        "trust-proxy",
        "Trust X-Forwarded-For for client addresses (only behind a reverse proxy that sets it).",
        default: nil
    )
    public static let proxyHops = Setting(
        "proxy-hops",
        """
        With --trust-proxy: how many proxies in front append to X-Forwarded-For; the client's address is the \
        entry this many from the right.
        """,
        default: "1"
    )
    public static let synchronous = Setting(
        "synchronous",
        """
        Durability of commits: full (an acknowledged write survives power loss) or normal (the last commits \
        may be lost on power loss, never on a crash of the process).
        """,
        default: "full"
    )
    public static let dbConnections = Setting(
        "db-connections",
        """
        PostgreSQL only: the most connections this instance opens to the database. Instances times this \
        must stay under the server's max_connections.
        """,
        default: "16"
    )
    public static let searchTimeout = Setting(
        "search-timeout",
        "How long one search (or article list filtered by q) may run before it is stopped with a 503, such as 2s.",
        default: "2s"
    )
    public static let viewsFlushInterval = Setting(
        "views-flush-interval",
        "How often counted views are written to the database, such as 1s or 500ms.",
        default: "1s"
    )
    public static let viewsDedupeWindow = Setting(
        "views-dedupe-window",
        "How long repeated views of one article by the same visitor count once, such as 30m; 0 turns it off.",
        default: "30m"
    )
    public static let viewsPerAddress = Setting(
        "views-per-address",
        """
        The most views one client address can add to one article's count per dedupe window, whatever \
        User-Agent it sends.
        """,
        default: "10"
    )
    public static let cacheMaxBytes = Setting(
        "cache-max-bytes",
        "Memory for the in-process response cache, such as 64MiB; 0 turns it off.",
        default: "64MiB"
    )
    public static let uploadMaxBytes = Setting(
        "upload-max-bytes",
        "The largest file POST /v1/media takes, such as 25MiB; larger ones are refused with 413 as they arrive.",
        default: "25MiB"
    )
    public static let mediaCacheFolder = Setting(
        "media-cache-folder",
        """
        Where this instance keeps the image variants it made and the originals it copied out of the database \
        (its files in it are deleted at start); uploads are received there too.
        """,
        default: "masthead-media-PORT under the system's temporary folder"
    )
    public static let mediaCacheMaxBytes = Setting(
        "media-cache-max-bytes",
        "At most this much in the media cache folder, such as 512MiB; the least recently used files go first.",
        default: "512MiB"
    )
    public static let cacheMaxAge = Setting(
        "cache-max-age",
        "max-age of public responses, such as 60s or 5m.",
        default: "60s"
    )
    public static let staleIfError = Setting(
        "stale-if-error",
        """
        While the database cannot be reached, anonymous reads the cache holds are still answered for this \
        long (and public responses carry stale-if-error with it for CDNs), such as 5m; 0 never.
        """,
        default: "5m"
    )
    public static let corsOrigins = Setting(
        "cors-origins",
        """
        Browser origins allowed to call the API, comma-separated: * lets any page read; writes are allowed \
        only from origins named, such as https://admin.example.com.
        """,
        default: "*"
    )
    public static let metrics = Setting("metrics", "Serve GET /metrics (--no-metrics: not at all).", default: "true")
    public static let litestream = Setting(
        "litestream",
        """
        The SQLite database is replicated by Litestream beside Masthead: Masthead then runs no checkpoints of \
        its own (Litestream's read lock would make them stall writes and fail), leaving them to Litestream.
        """,
        default: "false"
    )
    public static let metricsToken = Setting(
        "metrics-token",
        """
        A secret of at least 16 characters: GET /metrics then answers only Authorization: Bearer <it>, and 401 \
        to anything else.
        """,
        default: nil
    )
    public static let previewURL = Setting(
        "preview-url",
        """
        The front end's preview page, given in each new preview link's url: {slug} and {token} are filled in, \
        such as https://signal.example/preview/{slug}?token={token}. Without it, url is the API's own address.
        """,
        default: nil
    )
    public static let authFailureLimit = Setting(
        "auth-failure-limit",
        "Failed authentications one address may make per minute before it gets 429; 0 turns the limit off.",
        default: "20"
    )
    public static let rateLimit = Setting(
        "rate-limit",
        """
        Units one client address may spend a minute without a token (a request costs 1; a search or related \
        read the cache could not answer, 10); 0 turns the limit off.
        """,
        default: "1200"
    )
    public static let rateLimitBurst = Setting(
        "rate-limit-burst",
        "Units one address may spend at once, before the per-minute rate applies.",
        default: "600"
    )
    public static let shutdownGrace = Setting(
        "shutdown-grace",
        """
        How long a whole shutdown may take (longer than --shutdown-timeout; unless given, 25s or the timeout \
        and 15s, whichever is longer); past it the process names the services that had not stopped and exits \
        with status 70.
        """,
        default: "25s"
    )
    public static let shutdownTimeout = Setting(
        "shutdown-timeout",
        "How long in-flight requests may take to finish after SIGTERM or SIGINT.",
        default: "10s"
    )
    public static let idleTimeout = Setting(
        "idle-timeout",
        "How long a connection may wait without sending a complete request head.",
        default: "60s"
    )
    public static let readTimeout = Setting(
        "read-timeout",
        "How long a request body may take to arrive after its head.",
        default: "30s"
    )
    public static let writeTimeout = Setting(
        "write-timeout",
        "How long a response may wait for a client that stopped reading it before the connection is closed.",
        default: "30s"
    )
    public static let maxHeaderBytes = Setting(
        "max-header-bytes",
        "The most header bytes a request may send, such as 16KiB.",
        default: "16KiB"
    )
    public static let logFormat = Setting(
        "log-format",
        "Log lines as text or json (one object per line).",
        default: "text"
    )

    public static let revisionsKept = Setting(
        "revisions-kept",
        "How many revisions each article keeps (its current one included); older ones are let go at the next write.",
        default: "50"
    )

    public static let webhooksAllowHTTP = Setting(
        "webhooks-allow-http",
        "Allow webhooks to http:// URLs (https only otherwise).",
        default: "false"
    )
    public static let webhooksAllowPrivate = Setting(
        "webhooks-allow-private",
        """
        Allow webhooks to loopback, private and link-local addresses (refused otherwise, checked on the address \
        connected to).
        """,
        default: "false"
    )

    public static let site = Setting(
        "site",
        """
        A folder of static files (such as examples/signal-site) to serve at / beside the API: its index.html \
        at /, its 404.html for pages that do not exist. The API's routes come first.
        """,
        default: nil
    )

    /// Every setting a config file may hold.
    public static let all: [Setting] = [
        db, dbConnections, logLevel, host, port, demo, demoToken, trustProxy, proxyHops, synchronous, searchTimeout,
        viewsFlushInterval, viewsDedupeWindow, viewsPerAddress, cacheMaxBytes, cacheMaxAge, staleIfError,
        uploadMaxBytes, mediaCacheFolder, mediaCacheMaxBytes, corsOrigins, metrics, metricsToken, litestream,
        previewURL, revisionsKept, webhooksAllowHTTP,
        webhooksAllowPrivate, authFailureLimit, rateLimit, rateLimitBurst, site, shutdownTimeout, shutdownGrace,
        idleTimeout, readTimeout, writeTimeout, maxHeaderBytes, logFormat,
    ]
}
