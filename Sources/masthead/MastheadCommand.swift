import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Masthead
import ServiceLifecycle

#if canImport(Glibc)
import CMalloc
#endif

/// The `masthead` command: reads flags and the environment, then hands over to the library.
@main
struct MastheadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masthead",
        abstract: "Masthead: a headless content API on an embedded SQLite database.",
        subcommands: [
            Serve.self, Migrate.self, TokenCommand.self, Backup.self, Export.self, Import.self, Generate.self,
        ]
    )
}

/// Flags shared by the subcommands; each falls back to an environment variable.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: "SQLite database file, created if missing. Env: MASTHEAD_DB. Default: ./masthead.sqlite"
    )
    var databasePath: String?

    @Option(
        help:
            "Log level: trace, debug, info, notice, warning, error or critical. Env: MASTHEAD_LOG_LEVEL. Default: info"
    )
    var logLevel: String?
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations and serve the HTTP API."
    )

    @Option(help: "Address to listen on. Env: MASTHEAD_HOST. Default: 127.0.0.1")
    var host: String?

    @Option(help: "Port to listen on (0 picks a free one). Env: MASTHEAD_PORT. Default: 8080")
    var port: String?

    @Flag(
        help: """
            Load the demo publication (Signal and its catalog) if the database holds no content yet, and \
            print an admin token named 'demo' if it has no token yet. Env: MASTHEAD_DEMO=true
            """
    )
    var demo = false

    @Flag(
        help: """
            Trust X-Forwarded-For for client addresses (only behind a reverse proxy that sets it). \
            Env: MASTHEAD_TRUST_PROXY=true
            """
    )
    var trustProxy = false

    @Option(
        help: """
            With --trust-proxy: how many proxies in front append to X-Forwarded-For; the client's address is \
            the entry this many from the right. Env: MASTHEAD_PROXY_HOPS. Default: 1
            """
    )
    var proxyHops: String?

    @Option(
        help: """
            Durability of commits: full (an acknowledged write survives power loss) or normal (the last \
            commits may be lost on power loss, never on a crash of the process). Env: MASTHEAD_SYNCHRONOUS. \
            Default: full
            """
    )
    var synchronous: String?

    @Option(
        help: """
            How long one search (or article list filtered by q) may run before it is stopped with a 503, \
            such as 2s. Env: MASTHEAD_SEARCH_TIMEOUT. Default: 2s
            """
    )
    var searchTimeout: String?

    @Option(
        help:
            "How often counted views are written to the database, such as 1s or 500ms. Env: MASTHEAD_VIEWS_FLUSH_INTERVAL. Default: 1s"
    )
    var viewsFlushInterval: String?

    @Option(
        help: """
            How long repeated views of one article by the same visitor count once, such as 30m; 0 turns it off. \
            Env: MASTHEAD_VIEWS_DEDUPE_WINDOW. Default: 30m
            """
    )
    var viewsDedupeWindow: String?

    @Option(
        help: """
            The most views one client address can add to one article's count per dedupe window, whatever \
            User-Agent it sends. Env: MASTHEAD_VIEWS_PER_ADDRESS. Default: 10
            """
    )
    var viewsPerAddress: String?

    @Option(
        help: """
            Memory for the in-process response cache, such as 64MiB; 0 turns it off. \
            Env: MASTHEAD_CACHE_MAX_BYTES. Default: 64MiB
            """
    )
    var cacheMaxBytes: String?

    @Option(help: "max-age of public responses, such as 60s or 5m. Env: MASTHEAD_CACHE_MAX_AGE. Default: 60s")
    var cacheMaxAge: String?

    @Option(
        help: """
            Browser origins allowed to call the API, comma-separated: * lets any page read; writes are allowed \
            only from origins named, such as https://admin.example.com. Env: MASTHEAD_CORS_ORIGINS. Default: *
            """
    )
    var corsOrigins: String?

    @Option(help: "Serve GET /metrics: true or false. Env: MASTHEAD_METRICS. Default: true")
    var metrics: String?

    @Option(
        help: """
            Failed authentications one address may make per minute before it gets 429; 0 turns the limit off. \
            Env: MASTHEAD_AUTH_FAILURE_LIMIT. Default: 20
            """
    )
    var authFailureLimit: String?

    @Option(
        help:
            "How long in-flight requests may take to finish after SIGTERM or SIGINT. Env: MASTHEAD_SHUTDOWN_TIMEOUT. Default: 10s"
    )
    var shutdownTimeout: String?

    @Option(
        help:
            "How long a connection may wait without sending a complete request head. Env: MASTHEAD_IDLE_TIMEOUT. Default: 60s"
    )
    var idleTimeout: String?

    @Option(
        help: "How long a request body may take to arrive after its head. Env: MASTHEAD_READ_TIMEOUT. Default: 30s"
    )
    var readTimeout: String?

    @Option(
        help: """
            How long a response may wait for a client that stopped reading it before the connection is \
            closed. Env: MASTHEAD_WRITE_TIMEOUT. Default: 30s
            """
    )
    var writeTimeout: String?

    @Option(
        help: "The most header bytes a request may send, such as 16KiB. Env: MASTHEAD_MAX_HEADER_BYTES. Default: 16KiB"
    )
    var maxHeaderBytes: String?

    @Option(help: "Log lines as text or json (one object per line). Env: MASTHEAD_LOG_FORMAT. Default: text")
    var logFormat: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let flags = AppConfiguration.Flags(
            host: host,
            port: port,
            databasePath: database.databasePath,
            demo: demo,
            logLevel: database.logLevel,
            trustProxy: trustProxy,
            proxyHops: proxyHops,
            synchronous: synchronous,
            searchTimeout: searchTimeout,
            viewsFlushInterval: viewsFlushInterval,
            viewsDedupeWindow: viewsDedupeWindow,
            viewsPerAddress: viewsPerAddress,
            cacheMaxBytes: cacheMaxBytes,
            cacheMaxAge: cacheMaxAge,
            logFormat: logFormat,
            authFailureLimit: authFailureLimit,
            corsOrigins: corsOrigins,
            metrics: metrics,
            shutdownTimeout: shutdownTimeout,
            idleTimeout: idleTimeout,
            readTimeout: readTimeout,
            writeTimeout: writeTimeout,
            maxHeaderBytes: maxHeaderBytes
        )
        let configuration = try resolveOrExit(flags)
        limitMallocArenas()
        bootstrapLogging(configuration)
        let logger = Logger(label: "masthead")
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration) { announce($0, at: configuration) }
        } catch {
            exitWithMessage("cannot open the database at '\(configuration.databasePath)': \(describe(error))")
        }
        let group = makeServiceGroup(
            running: app,
            shutdownTimeout: configuration.limits.shutdownTimeout,
            logger: logger
        )
        do {
            try await group.run()
            logger.info("Stopped cleanly")
            LogOutput.standardOutput.flush()
        } catch {
            exitWithMessage("the server stopped: \(describe(error))")
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations to the database, list what is applied, and exit."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let flags = AppConfiguration.Flags(databasePath: database.databasePath, logLevel: database.logLevel)
        let configuration = try resolveOrExit(flags)
        do {
            let database = try AppDatabase(path: configuration.databasePath)
            for identifier in try await database.appliedMigrations() {
                print("applied \(identifier)")
            }
        } catch {
            exitWithMessage("cannot migrate the database at '\(configuration.databasePath)': \(describe(error))")
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to FILE, consistently, even while the server runs (VACUUM INTO)."
    )

    @Argument(help: "Where to write the copy; it must not exist yet.")
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            exitWithMessage("'\(file)' already exists; give a new file name", code: 64)
        }
        let database = try openDatabase(database)
        do {
            let bytes = try await database.backup(to: file)
            print("Backed up to \(file) (\(bytes) bytes, integrity check ok).")
        } catch {
            exitWithMessage("the backup failed: \(describe(error))")
        }
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write all content (not tokens) to FILE as JSON, for 'masthead import' on another instance."
    )

    @Argument(help: "The JSON file to write; - for standard output.")
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let portability = SQLitePortabilityStore(database: try openDatabase(database))
        let document = try await portability.export()
        let data = try document.encoded()
        if file == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            exitWithMessage("cannot write '\(file)': \(describe(error))")
        }
        FileHandle.standardError.write(Data("Exported \(contents(of: document)) to \(file).\n".utf8))
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a 'masthead export' file into an empty database, in one transaction."
    )

    @Argument(help: "The JSON file to read.")
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            exitWithMessage("cannot read '\(file)': \(describe(error))")
        }
        do {
            let portability = SQLitePortabilityStore(database: try openDatabase(database))
            let document = try await ContentImport(store: portability).load(data)
            print("Imported \(contents(of: document)).")
        } catch let failure as ImportFailure {
            exitWithMessage(
                "cannot import '\(file)'; nothing was changed:\n  " + failure.problems.joined(separator: "\n  ")
            )
        } catch {
            exitWithMessage("cannot import '\(file)'; nothing was changed: \(describe(error))")
        }
    }
}

/// "43 articles, 26 authors, …": what an export document holds.
private func contents(of document: ContentExport) -> String {
    "\(document.articles.count) articles, \(document.authors.count) authors, \(document.tags.count) tags, "
        + "\(document.platforms.count) platforms and \(document.services.count) services"
}

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty database with a large synthetic publication, for benchmarks and load tests."
    )

    @Option(help: "How many articles to make.")
    var articles: Int

    @Option(help: "Seed of the generator: the same seed makes the same publication.")
    var seed: UInt64 = 42

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard (1...10_000_000).contains(articles) else {
            exitWithMessage("--articles must be from 1 to 10000000", code: 64)
        }
        let database = try openDatabase(database)
        let step = max(1, articles / 10)
        do {
            try await SyntheticContent.generate(
                into: database,
                articles: articles,
                now: ContentClock.system.now,
                seed: seed
            ) {
                if $0 % step == 0 || $0 == articles { print("generated \($0) of \(articles) articles") }
            }
        } catch StoreError.conflict(_, let detail) {
            exitWithMessage(detail)
        }
    }
}

/// Shows the demo token to whoever started the server: on standard output, not in the log.
/// Written through the log's output, so that it keeps its place among the log lines.
private func announce(_ token: APIToken, at configuration: AppConfiguration) {
    LogOutput.standardOutput.append(
        Array(
            """

            Demo admin token (shown once; it is stored only as a hash):

                \(token.secret)

            Try: curl -H 'Authorization: Bearer \(token.secret)' http://\(configuration.host):\(configuration.port)/v1/tokens/self


            """.utf8
        )
    )
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it once. Only its SHA-256 is stored."
        )

        @Option(help: "A name that says who or what uses the token.")
        var name: String

        @Option(
            help: "content:read (see drafts), content:write (also write content) or admin (everything). Repeatable."
        )
        var scope: [String]

        @Option(help: "Lifetime such as 30d, 12h or 90m; without it the token does not expire.")
        var expires: String?

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let scopes = scope.map { text in
                guard let scope = Scope(rawValue: text) else {
                    exitWithMessage("unknown scope '\(text)': use content:read, content:write or admin", code: 64)
                }
                return scope
            }
            guard !scopes.isEmpty else { exitWithMessage("give at least one --scope", code: 64) }
            let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 100 else {
                exitWithMessage("the name must be 1 to 100 characters", code: 64)
            }
            let lifetime = expires.map { text in
                guard let seconds = Lifetime.seconds(text) else {
                    exitWithMessage(
                        "invalid --expires '\(text)': use a number followed by d, h or m, such as 30d",
                        code: 64
                    )
                }
                return seconds
            }
            let tokens = SQLiteTokenStore(database: try openDatabase(database), clock: .system)
            let expiresAt = lifetime.map { ContentClock.system.now.adding(seconds: $0) }
            let (token, info) = try await tokens.create(name: name, scopes: scopes, expiresAt: expiresAt)
            print(token.secret)
            FileHandle.standardError.write(
                Data(
                    "Created token \(info.id) '\(info.name)' (\(scopes.map(\.rawValue).joined(separator: " "))). Keep it: it is not shown again.\n"
                        .utf8
                )
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let tokens = SQLiteTokenStore(database: try openDatabase(database), clock: .system)
            print(["ID", "NAME", "SCOPES", "CREATED", "LAST USED", "EXPIRES", "REVOKED"].joined(separator: "\t"))
            for token in try await tokens.list() {
                let columns = [
                    String(token.id), token.name, token.scopes.map(\.rawValue).joined(separator: ","),
                    token.createdAt.rfc3339, token.lastUsedAt?.rfc3339 ?? "-", token.expiresAt?.rfc3339 ?? "-",
                    token.revokedAt?.rfc3339 ?? "-",
                ]
                print(columns.joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id; it stops working at once.")

        @Argument(help: "The token's id, from 'masthead token list'.")
        var id: Int64

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let tokens = SQLiteTokenStore(database: try openDatabase(database), clock: .system)
            do {
                let token = try await tokens.revoke(id: id)
                print("Revoked token \(token.id) '\(token.name)'.")
            } catch StoreError.notFound {
                exitWithMessage("no token with id \(id)")
            }
        }
    }
}

/// Token lifetimes: a whole number of days, hours or minutes.
enum Lifetime {
    static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count > 0, count <= 100_000 else { return nil }
        switch unit {
        case "d": return count * 86_400
        case "h": return count * 3_600
        case "m": return count * 60
        default: return nil
        }
    }
}

private func openDatabase(_ options: DatabaseOptions) throws -> AppDatabase {
    let configuration = try resolveOrExit(.init(databasePath: options.databasePath, logLevel: options.logLevel))
    do {
        return try AppDatabase(path: configuration.databasePath)
    } catch {
        exitWithMessage("cannot open the database at '\(configuration.databasePath)': \(describe(error))")
    }
}

/// The only place that reads the environment.
private func resolveOrExit(_ flags: AppConfiguration.Flags) throws -> AppConfiguration {
    do {
        return try AppConfiguration.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
    } catch {
        exitWithMessage(error.description, code: 64)
    }
}

/// glibc gives threads that contend for malloc arenas of their own (up to eight per core)
/// and each keeps what is freed in it: under a mixed load at 100,000 articles that was a
/// quarter of the server's memory. Two arenas serve two cores' worth of threads.
private func limitMallocArenas() {
    #if canImport(Glibc)
    _ = mallopt(M_ARENA_MAX, 2)
    #endif
}

private func bootstrapLogging(_ configuration: AppConfiguration) {
    // A log reader that goes away (a closed pipe) makes writes fail, not the process die.
    signal(SIGPIPE, SIG_IGN)
    // Lines still in the log's buffer are written before the process ends, however it ends.
    atexit { LogOutput.standardOutput.flush() }
    LoggingSystem.bootstrap { label in
        switch configuration.logFormat {
        case .text:
            var handler = TextLogHandler.standardOutput(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        case .json:
            var handler = JSONLogHandler.standardOutput(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
    }
}

/// One line for the operator, no stack trace.
private func describe(_ error: any Error) -> String {
    String(describing: error).replacingOccurrences(of: "\n", with: " ")
}

private func exitWithMessage(_ message: String, code: Int32 = 1) -> Never {
    LogOutput.standardOutput.flush()
    FileHandle.standardError.write(Data("masthead: \(message)\n".utf8))
    exit(code)
}
