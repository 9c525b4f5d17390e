import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Masthead
import MastheadDomain
import MastheadPostgres
import MastheadSQLite
import MastheadStorage
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

/// The settings every subcommand takes. Each is also read from the environment and the
/// config file (`Setting`); none has a default here, so that those sources are heard.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong(Setting.db.key), help: .init(Setting.db.help))
    var db: String?

    @Option(name: .customLong(Setting.dbConnections.key), help: .init(Setting.dbConnections.help))
    var dbConnections: String?

    @Option(name: .customLong(Setting.logLevel.key), help: .init(Setting.logLevel.help))
    var logLevel: String?

    @Option(name: .customLong(Setting.config.key), help: .init(Setting.config.help))
    var config: String?

    var given: [Setting: String] {
        [.db: db, .dbConnections: dbConnections, .logLevel: logLevel, .config: config].compactMapValues { $0 }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations and serve the HTTP API."
    )

    // Every boolean setting is a switch: `--NAME` turns it on, `--no-NAME` off; the
    // environment and a config file say true or false.
    @Flag(name: .customLong(Setting.demo.key), inversion: .prefixedNo, help: .init(Setting.demo.help))
    var demo: Bool?

    @Flag(name: .customLong(Setting.demoToken.key), inversion: .prefixedNo, help: .init(Setting.demoToken.help))
    var demoToken: Bool?

    @Option(name: .customLong(Setting.host.key), help: .init(Setting.host.help))
    var host: String?

    @Option(name: .customLong(Setting.port.key), help: .init(Setting.port.help))
    var port: String?

    @Flag(name: .customLong(Setting.trustProxy.key), inversion: .prefixedNo, help: .init(Setting.trustProxy.help))
    var trustProxy: Bool?

    @Option(name: .customLong(Setting.proxyHops.key), help: .init(Setting.proxyHops.help))
    var proxyHops: String?

    @Option(name: .customLong(Setting.synchronous.key), help: .init(Setting.synchronous.help))
    var synchronous: String?

    @Option(name: .customLong(Setting.searchTimeout.key), help: .init(Setting.searchTimeout.help))
    var searchTimeout: String?

    @Option(name: .customLong(Setting.viewsFlushInterval.key), help: .init(Setting.viewsFlushInterval.help))
    var viewsFlushInterval: String?

    @Option(name: .customLong(Setting.viewsDedupeWindow.key), help: .init(Setting.viewsDedupeWindow.help))
    var viewsDedupeWindow: String?

    @Option(name: .customLong(Setting.viewsPerAddress.key), help: .init(Setting.viewsPerAddress.help))
    var viewsPerAddress: String?

    @Option(name: .customLong(Setting.cacheMaxBytes.key), help: .init(Setting.cacheMaxBytes.help))
    var cacheMaxBytes: String?

    @Option(name: .customLong(Setting.cacheMaxAge.key), help: .init(Setting.cacheMaxAge.help))
    var cacheMaxAge: String?

    @Option(name: .customLong(Setting.staleIfError.key), help: .init(Setting.staleIfError.help))
    var staleIfError: String?

    @Option(name: .customLong(Setting.corsOrigins.key), help: .init(Setting.corsOrigins.help))
    var corsOrigins: String?

    @Flag(name: .customLong(Setting.metrics.key), inversion: .prefixedNo, help: .init(Setting.metrics.help))
    var metrics: Bool?

    @Flag(name: .customLong(Setting.litestream.key), inversion: .prefixedNo, help: .init(Setting.litestream.help))
    var litestream: Bool?

    @Option(name: .customLong(Setting.metricsToken.key), help: .init(Setting.metricsToken.help))
    var metricsToken: String?

    @Option(name: .customLong(Setting.previewURL.key), help: .init(Setting.previewURL.help))
    var previewURL: String?

    @Option(name: .customLong(Setting.revisionsKept.key), help: .init(Setting.revisionsKept.help))
    var revisionsKept: String?

    @Option(name: .customLong(Setting.site.key), help: .init(Setting.site.help))
    var site: String?

    @Flag(
        name: .customLong(Setting.webhooksAllowHTTP.key),
        inversion: .prefixedNo,
        help: .init(Setting.webhooksAllowHTTP.help)
    )
    var webhooksAllowHTTP: Bool?

    @Flag(
        name: .customLong(Setting.webhooksAllowPrivate.key),
        inversion: .prefixedNo,
        help: .init(Setting.webhooksAllowPrivate.help)
    )
    var webhooksAllowPrivate: Bool?

    @Option(name: .customLong(Setting.authFailureLimit.key), help: .init(Setting.authFailureLimit.help))
    var authFailureLimit: String?

    @Option(name: .customLong(Setting.rateLimit.key), help: .init(Setting.rateLimit.help))
    var rateLimit: String?

    @Option(name: .customLong(Setting.rateLimitBurst.key), help: .init(Setting.rateLimitBurst.help))
    var rateLimitBurst: String?

    @Option(name: .customLong(Setting.shutdownTimeout.key), help: .init(Setting.shutdownTimeout.help))
    var shutdownTimeout: String?

    @Option(name: .customLong(Setting.shutdownGrace.key), help: .init(Setting.shutdownGrace.help))
    var shutdownGrace: String?

    @Option(name: .customLong(Setting.idleTimeout.key), help: .init(Setting.idleTimeout.help))
    var idleTimeout: String?

    @Option(name: .customLong(Setting.readTimeout.key), help: .init(Setting.readTimeout.help))
    var readTimeout: String?

    @Option(name: .customLong(Setting.writeTimeout.key), help: .init(Setting.writeTimeout.help))
    var writeTimeout: String?

    @Option(name: .customLong(Setting.maxHeaderBytes.key), help: .init(Setting.maxHeaderBytes.help))
    var maxHeaderBytes: String?

    @Option(name: .customLong(Setting.logFormat.key), help: .init(Setting.logFormat.help))
    var logFormat: String?

    @OptionGroup var common: CommonOptions

    /// The settings given as flags.
    var given: [Setting: String] {
        let options: [Setting: String?] = [
            .demo: demo.map(String.init),
            .demoToken: demoToken.map(String.init),
            .trustProxy: trustProxy.map(String.init),
            .host: host,
            .port: port,
            .proxyHops: proxyHops,
            .synchronous: synchronous,
            .searchTimeout: searchTimeout,
            .viewsFlushInterval: viewsFlushInterval,
            .viewsDedupeWindow: viewsDedupeWindow,
            .viewsPerAddress: viewsPerAddress,
            .cacheMaxBytes: cacheMaxBytes,
            .cacheMaxAge: cacheMaxAge,
            .staleIfError: staleIfError,
            .corsOrigins: corsOrigins,
            .metrics: metrics.map(String.init),
            .metricsToken: metricsToken,
            .litestream: litestream.map(String.init),
            .previewURL: previewURL,
            .revisionsKept: revisionsKept,
            .site: site,
            .webhooksAllowHTTP: webhooksAllowHTTP.map(String.init),
            .webhooksAllowPrivate: webhooksAllowPrivate.map(String.init),
            .authFailureLimit: authFailureLimit,
            .rateLimit: rateLimit,
            .rateLimitBurst: rateLimitBurst,
            .shutdownTimeout: shutdownTimeout,
            .shutdownGrace: shutdownGrace,
            .idleTimeout: idleTimeout,
            .readTimeout: readTimeout,
            .writeTimeout: writeTimeout,
            .maxHeaderBytes: maxHeaderBytes,
            .logFormat: logFormat,
        ]
        return common.given.merging(options.compactMapValues { $0 }) { $1 }
    }

    func run() async throws {
        let configuration = await resolveOrExit(given)
        limitMallocArenas()
        bootstrapLogging(configuration)
        let logger = Logger(label: "masthead")
        let app: any ApplicationProtocol
        let watch = ShutdownWatch(grace: configuration.limits.shutdownGrace)
        do {
            app = try await buildApplication(configuration, watch: watch) { announce($0, at: configuration) }
        } catch {
            exitWithMessage(cannotOpen(configuration, error))
        }
        let group = makeServiceGroup(
            running: app,
            shutdownTimeout: configuration.limits.shutdownTimeout,
            watch: watch,
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

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = await resolveOrExit(common.given)
        do {
            let connection = try await DatabaseConnection.open(configuration, logger: Logger(label: "masthead"))
            defer { connection.close() }
            for identifier in try await connection.appliedMigrations() {
                print("applied \(identifier)")
            }
        } catch {
            exitWithMessage(cannotOpen(configuration, error))
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to FILE, consistently, even while the server runs (VACUUM INTO)."
    )

    @Argument(help: "Where to write the copy; it must not exist yet.")
    var file: String

    @OptionGroup var common: CommonOptions

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            exitWithMessage("'\(file)' already exists; give a new file name", code: 64)
        }
        let database = try await openSQLite(common, for: "backup", instead: "back it up with pg_dump")
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

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let (connection, stores) = await openStores(common)
        defer { connection.close() }
        let document = try await stores.portability.export()
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

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            exitWithMessage("cannot read '\(file)': \(describe(error))")
        }
        do {
            let (connection, stores) = await openStores(common)
            defer { connection.close() }
            let document = try await ContentImport(store: stores.portability).load(data)
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
    let parts =
        [
            "\(document.articles.count) articles", "\(document.authors.count) authors", "\(document.tags.count) tags",
            "\(document.platforms.count) platforms", "\(document.services.count) services",
        ]
        // Each described kind's section, by its table's name.
        + (document.described ?? [:]).sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key)" }
    return parts.dropLast().joined(separator: ", ") + " and " + parts.last!
}

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty database with a large synthetic publication, for benchmarks and load tests."
    )

    @Option(help: "How many articles to make.")
    var articles: Int

    @Option(help: "Seed of the generator: the same seed makes the same publication.")
    var seed: UInt64 = 42

    @OptionGroup var common: CommonOptions

    func run() async throws {
        guard (1...10_000_000).contains(articles) else {
            exitWithMessage("--articles must be from 1 to 10000000", code: 64)
        }
        let database = try await openSQLite(
            common,
            for: "generate",
            instead: "generate into an SQLite file, then export it and import the file here"
        )
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

        @Option(
            name: .customLong("rate-limit"),
            help: """
                Units a minute the token may spend, a minute's worth at once (a request costs 1, a search or related \
                read 10); without it the token is not limited.
                """
        )
        var rateLimit: Int?

        @OptionGroup var common: CommonOptions

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
            if let rateLimit, !(RequestCost.expensive...10_000_000).contains(rateLimit) {
                exitWithMessage(
                    "invalid --rate-limit \(rateLimit): use \(RequestCost.expensive) to 10000000 a minute",
                    code: 64
                )
            }
            let (connection, stores) = await openStores(common)
            defer { connection.close() }
            let tokens = stores.tokens
            let expiresAt = lifetime.map { ContentClock.system.now.adding(seconds: $0) }
            let (token, info) = try await tokens.create(
                name: name,
                scopes: scopes,
                expiresAt: expiresAt,
                rateLimit: rateLimit
            )
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

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (connection, stores) = await openStores(common)
            defer { connection.close() }
            let tokens = stores.tokens
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

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (connection, stores) = await openStores(common)
            defer { connection.close() }
            let tokens = stores.tokens
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

/// The database the options name, open and migrated, with its stores.
private func openStores(_ options: CommonOptions) async -> (DatabaseConnection, Stores) {
    let configuration = await resolveOrExit(options.given)
    do {
        let connection = try await DatabaseConnection.open(configuration, logger: Logger(label: "masthead"))
        return (connection, connection.stores(clock: .system, limits: configuration.storeLimits))
    } catch {
        exitWithMessage(cannotOpen(configuration, error))
    }
}

/// The SQLite file the options name, for the commands that work on a file.
private func openSQLite(_ options: CommonOptions, for command: String, instead: String) async throws -> AppDatabase {
    let configuration = await resolveOrExit(options.given)
    guard !PostgresLocation.isURL(configuration.databasePath) else {
        exitWithMessage("\(command) works on an SQLite file; for a PostgreSQL database, \(instead)", code: 64)
    }
    do {
        return try AppDatabase(path: configuration.databasePath)
    } catch {
        exitWithMessage(cannotOpen(configuration, error))
    }
}

/// Why the database could not be opened, naming it without its password.
private func cannotOpen(_ configuration: AppConfiguration, _ error: any Error) -> String {
    if let failure = error as? DatabaseConnection.OpenFailure { return "cannot open the database \(failure)" }
    // A URL is named without its password.
    let name =
        (try? PostgresLocation(url: configuration.databasePath)).map(\.description) ?? configuration.databasePath
    return "cannot open the database at '\(name)': \(PostgresEngine.describe(error))"
}

/// The configuration the flags, the environment and the config file describe; a value that
/// cannot be used ends the process with one line.
private func resolveOrExit(_ flags: [Setting: String]) async -> AppConfiguration {
    do {
        return try AppConfiguration.resolve(try await SettingSources.load(flags: flags))
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
