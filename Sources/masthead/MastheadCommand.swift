import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Masthead

/// The `masthead` command: reads flags and the environment, then hands over to the library.
@main
struct MastheadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masthead",
        abstract: "Masthead: a headless content API on an embedded SQLite database.",
        subcommands: [Serve.self, Migrate.self]
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
        help:
            "Load the demo publication (Signal and its catalog) if the database holds no content yet. Env: MASTHEAD_DEMO=true"
    )
    var demo = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let flags = AppConfiguration.Flags(
            host: host,
            port: port,
            databasePath: database.databasePath,
            demo: demo,
            logLevel: database.logLevel
        )
        let configuration = try resolveOrExit(flags)
        bootstrapLogging(configuration.logLevel)
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration)
        } catch {
            exitWithMessage("cannot open the database at '\(configuration.databasePath)': \(describe(error))")
        }
        do {
            try await app.runService()
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

/// The only place that reads the environment.
private func resolveOrExit(_ flags: AppConfiguration.Flags) throws -> AppConfiguration {
    do {
        return try AppConfiguration.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
    } catch {
        exitWithMessage(error.description, code: 64)
    }
}

private func bootstrapLogging(_ level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardOutput(label: label)
        handler.logLevel = level
        return handler
    }
}

/// One line for the operator, no stack trace.
private func describe(_ error: any Error) -> String {
    String(describing: error).replacingOccurrences(of: "\n", with: " ")
}

private func exitWithMessage(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("masthead: \(message)\n".utf8))
    exit(code)
}
