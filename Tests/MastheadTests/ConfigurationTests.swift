import Foundation
import MastheadSQLite
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct ConfigurationTests {
    /// Writes `text` as a config file and returns its path.
    static func configFile(_ text: String, in folder: TemporaryFolder) throws -> String {
        let path = folder.url.appendingPathComponent("masthead.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func defaultsApplyWhenNothingIsGiven() async throws {
        let configuration = try await resolveConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.databasePath == "./masthead.sqlite")
        #expect(configuration.loadDemoContent == false)
        #expect(configuration.logLevel == .info)
        #expect(configuration.metricsEnabled)
        #expect(configuration.cachePolicy.maxAge == 60)
        #expect(configuration.databaseConnections == 16)
        #expect(try await resolveConfiguration([.dbConnections: "4"]).databaseConnections == 4)
    }

    @Test func environmentFillsInWhatFlagsDoNotGive() async throws {
        let environment = [
            "MASTHEAD_HOST": "0.0.0.0", "MASTHEAD_PORT": "9090", "MASTHEAD_DB": "/data/masthead.sqlite",
            "MASTHEAD_DEMO": "true", "MASTHEAD_LOG_LEVEL": "DEBUG", "MASTHEAD_VIEWS_FLUSH_INTERVAL": "250ms",
        ]
        let fromEnvironment = try await resolveConfiguration(environment: environment)
        #expect(fromEnvironment.host == "0.0.0.0")
        #expect(fromEnvironment.port == 9090)
        #expect(fromEnvironment.databasePath == "/data/masthead.sqlite")
        #expect(fromEnvironment.loadDemoContent)
        #expect(fromEnvironment.logLevel == .debug)
        #expect(fromEnvironment.views.flushInterval == .milliseconds(250))

        let flagsWin = try await resolveConfiguration(
            [.host: "::1", .port: "8081", .db: "x.sqlite", .logLevel: "error"],
            environment: environment
        )
        #expect(flagsWin.host == "::1")
        #expect(flagsWin.port == 8081)
        #expect(flagsWin.databasePath == "x.sqlite")
        #expect(flagsWin.logLevel == .error)
    }

    @Test func aConfigFileComesAfterFlagsAndTheEnvironment() async throws {
        let folder = try TemporaryFolder()
        let path = try Self.configFile(
            """
            {"port": 7070, "host": "10.0.0.1", "demo": true, "search-timeout": 0.5, "cache-max-age": "5m",
             "stale-if-error": "0", "metrics": false, "revisions-kept": 7}
            """,
            in: folder
        )
        let fromFile = try await resolveConfiguration([.config: path])
        #expect(fromFile.port == 7070 && fromFile.host == "10.0.0.1" && fromFile.loadDemoContent)
        #expect(fromFile.searchTimeout == .milliseconds(500) && fromFile.cachePolicy.maxAge == 300)
        #expect(fromFile.cachePolicy.staleIfError == 0)
        #expect(!fromFile.metricsEnabled)
        #expect(fromFile.revisionsKept == 7 && fromFile.storeLimits.revisionsKept == 7)

        let overridden = try await resolveConfiguration(
            [.config: path, .port: "6060"],
            environment: ["MASTHEAD_HOST": "10.0.0.2", "MASTHEAD_PORT": "5050"]
        )
        #expect(overridden.port == 6060 && overridden.host == "10.0.0.2")
        // The file may itself be named by the environment.
        #expect(try await resolveConfiguration(environment: ["MASTHEAD_CONFIG": path]).port == 7070)
    }

    @Test(arguments: [
        (#"{"prot": 1}"#, "unknown setting 'prot' in the config file"),
        (#"["port"]"#, "must be a JSON object of settings"),
        (#"{"port": "#, "is missing or not JSON"),
        (#"{"port": [8080]}"#, "invalid port in"),
        (#"{"port": 70000}"#, "invalid port '70000': expected a whole number from 0 to 65535"),
    ])
    func aBadConfigFileIsRefusedWithOneLine(_ text: String, _ message: String) async throws {
        let folder = try TemporaryFolder()
        let path = try Self.configFile(text, in: folder)
        await #expect {
            try await resolveConfiguration([.config: path])
        } throws: { error in
            let description = (error as? AppConfiguration.Invalid)?.description ?? ""
            return description.contains(message) && !description.contains("\n")
        }
    }

    @Test func aMissingConfigFileIsRefused() async {
        await #expect(throws: AppConfiguration.Invalid.self) {
            try await resolveConfiguration([.config: "/nonexistent/masthead.json"])
        }
    }

    @Test(arguments: [
        ([Setting.port: "70000"], "invalid port '70000': expected a whole number from 0 to 65535"),
        ([.port: "http"], "invalid port 'http': expected a whole number from 0 to 65535"),
        ([.port: "-1"], "invalid port '-1': expected a whole number from 0 to 65535"),
        ([.db: ""], "invalid database path: it is empty"),
        ([.host: "a b"], "invalid host 'a b': expected an address or name such as 127.0.0.1"),
        ([.metrics: "maybe"], "invalid metrics 'maybe': expected true or false"),
        // A switch is true or false everywhere, as its flags pass it: no other spellings.
        ([.trustProxy: "yes"], "invalid trust-proxy 'yes': expected true or false"),
        ([.webhooksAllowHTTP: "1"], "invalid webhooks-allow-http '1': expected true or false"),
        ([.demo: "on"], "invalid demo 'on': expected true or false"),
        ([.dbConnections: "0"], "invalid db connections '0': expected 1 to 1000"),
        ([.revisionsKept: "0"], "invalid revisions kept '0': expected 1 to 10000"),
        ([.staleIfError: "8d"], "invalid stale-if-error '8d': expected a duration up to 7d such as 5m, or 0 (never)"),
        ([.staleIfError: "-5m"], "invalid stale-if-error '-5m': expected a duration up to 7d such as 5m, or 0 (never)"),
        ([.revisionsKept: "many"], "invalid revisions kept 'many': expected 1 to 10000"),
        (
            [.previewURL: "https://signal.example/preview"],
            "invalid preview URL 'https://signal.example/preview': expected an http or https URL with {token}, such as https://signal.example/preview/{slug}?token={token}"
        ),
        (
            [.previewURL: "javascript:{token}"],
            "invalid preview URL 'javascript:{token}': expected an http or https URL with {token}, such as https://signal.example/preview/{slug}?token={token}"
        ),
    ])
    func badValuesAreRefusedWithOneLine(_ flags: [Setting: String], _ message: String) async {
        await #expect {
            try await resolveConfiguration(flags)
        } throws: { error in
            (error as? AppConfiguration.Invalid)?.description == message
        }
    }

    @Test func badEnvironmentValuesAreRefusedToo() async {
        for environment in [["MASTHEAD_PORT": "70000"], ["MASTHEAD_LOG_LEVEL": "loud"], ["MASTHEAD_DEMO": "perhaps"]] {
            await #expect(throws: AppConfiguration.Invalid.self) {
                try await resolveConfiguration(environment: environment)
            }
        }
    }

    @Test func everySettingHasOneNameForFlagEnvironmentAndFile() {
        let keys = Setting.all.map(\.key)
        #expect(Set(keys).count == keys.count)
        #expect(Setting.viewsFlushInterval.environmentName == "MASTHEAD_VIEWS_FLUSH_INTERVAL")
        #expect(Setting.db.environmentName == "MASTHEAD_DB")
        #expect(Setting.maxHeaderBytes.help.hasSuffix("Env: MASTHEAD_MAX_HEADER_BYTES. Default: 16KiB"))
    }

    @Test func anUnwritableDatabasePathFailsToOpen() {
        #expect(throws: (any Error).self) {
            _ = try AppDatabase(path: "/proc/masthead-cannot-write-here/masthead.sqlite")
        }
    }
}
