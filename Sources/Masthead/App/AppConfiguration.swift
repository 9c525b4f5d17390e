import Logging

/// Everything Masthead can be configured with, gathered in one value. The executable builds
/// it from flags with environment fallbacks (`AppConfiguration.resolve`); tests build it directly.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Path of the SQLite database file, created if missing.
    public var databasePath: String
    /// Load the demo publication into an empty database at start-up.
    public var loadDemoContent: Bool
    public var logLevel: Logger.Level

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databasePath: String = "./masthead.sqlite",
        loadDemoContent: Bool = false,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.loadDemoContent = loadDemoContent
        self.logLevel = logLevel
    }

    /// The values given on the command line, each nil when not given.
    public struct Flags: Sendable {
        public var host: String?
        public var port: String?
        public var databasePath: String?
        public var demo: Bool
        public var logLevel: String?

        public init(
            host: String? = nil,
            port: String? = nil,
            databasePath: String? = nil,
            demo: Bool = false,
            logLevel: String? = nil
        ) {
            self.host = host
            self.port = port
            self.databasePath = databasePath
            self.demo = demo
            self.logLevel = logLevel
        }
    }

    /// A configuration value that cannot be used; `description` is one line for the operator.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Each setting from its flag, else its environment variable (`MASTHEAD_HOST`,
    /// `MASTHEAD_PORT`, `MASTHEAD_DB`, `MASTHEAD_DEMO`, `MASTHEAD_LOG_LEVEL`), else its default.
    public static func resolve(flags: Flags, environment: [String: String]) throws(Invalid) -> AppConfiguration {
        var configuration = AppConfiguration()
        if let host = flags.host ?? environment["MASTHEAD_HOST"] {
            guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
                throw Invalid(description: "invalid host '\(host)': expected an address or name such as 127.0.0.1")
            }
            configuration.host = host
        }
        if let text = flags.port ?? environment["MASTHEAD_PORT"] {
            guard let port = Int(text), (0...65_535).contains(port) else {
                throw Invalid(description: "invalid port '\(text)': expected a whole number from 0 to 65535")
            }
            configuration.port = port
        }
        if let path = flags.databasePath ?? environment["MASTHEAD_DB"] {
            guard !path.isEmpty else { throw Invalid(description: "invalid database path: it is empty") }
            configuration.databasePath = path
        }
        if flags.demo {
            configuration.loadDemoContent = true
        } else if let text = environment["MASTHEAD_DEMO"] {
            switch text.lowercased() {
            case "1", "true", "yes": configuration.loadDemoContent = true
            case "0", "false", "no", "": configuration.loadDemoContent = false
            default: throw Invalid(description: "invalid MASTHEAD_DEMO '\(text)': expected true or false")
            }
        }
        if let text = flags.logLevel ?? environment["MASTHEAD_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw Invalid(description: "invalid log level '\(text)': expected one of \(levels)")
            }
            configuration.logLevel = level
        }
        return configuration
    }
}
