import Foundation
import Testing

@testable import Masthead

@Suite struct ConfigurationTests {
    @Test func defaultsApplyWhenNothingIsGiven() throws {
        let configuration = try AppConfiguration.resolve(flags: .init(), environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.databasePath == "./masthead.sqlite")
        #expect(configuration.loadDemoContent == false)
        #expect(configuration.logLevel == .info)
    }

    @Test func environmentFillsInWhatFlagsDoNotGive() throws {
        let environment = [
            "MASTHEAD_HOST": "0.0.0.0", "MASTHEAD_PORT": "9090", "MASTHEAD_DB": "/data/masthead.sqlite",
            "MASTHEAD_DEMO": "true", "MASTHEAD_LOG_LEVEL": "DEBUG",
        ]
        let fromEnvironment = try AppConfiguration.resolve(flags: .init(), environment: environment)
        #expect(fromEnvironment.host == "0.0.0.0")
        #expect(fromEnvironment.port == 9090)
        #expect(fromEnvironment.databasePath == "/data/masthead.sqlite")
        #expect(fromEnvironment.loadDemoContent)
        #expect(fromEnvironment.logLevel == .debug)

        let flagsWin = try AppConfiguration.resolve(
            flags: .init(host: "::1", port: "8081", databasePath: "x.sqlite", logLevel: "error"),
            environment: environment
        )
        #expect(flagsWin.host == "::1")
        #expect(flagsWin.port == 8081)
        #expect(flagsWin.databasePath == "x.sqlite")
        #expect(flagsWin.logLevel == .error)
    }

    @Test(arguments: [
        (AppConfiguration.Flags(port: "70000"), "invalid port '70000': expected a whole number from 0 to 65535"),
        (AppConfiguration.Flags(port: "http"), "invalid port 'http': expected a whole number from 0 to 65535"),
        (AppConfiguration.Flags(port: "-1"), "invalid port '-1': expected a whole number from 0 to 65535"),
        (AppConfiguration.Flags(databasePath: ""), "invalid database path: it is empty"),
        (AppConfiguration.Flags(host: "a b"), "invalid host 'a b': expected an address or name such as 127.0.0.1"),
    ])
    func badValuesAreRefusedWithOneLine(_ flags: AppConfiguration.Flags, _ message: String) {
        #expect {
            try AppConfiguration.resolve(flags: flags, environment: [:])
        } throws: { error in
            (error as? AppConfiguration.Invalid)?.description == message
        }
    }

    @Test func badEnvironmentValuesAreRefusedToo() {
        #expect(throws: AppConfiguration.Invalid.self) {
            try AppConfiguration.resolve(flags: .init(), environment: ["MASTHEAD_PORT": "70000"])
        }
        #expect(throws: AppConfiguration.Invalid.self) {
            try AppConfiguration.resolve(flags: .init(), environment: ["MASTHEAD_LOG_LEVEL": "loud"])
        }
        #expect(throws: AppConfiguration.Invalid.self) {
            try AppConfiguration.resolve(flags: .init(), environment: ["MASTHEAD_DEMO": "perhaps"])
        }
    }

    @Test func anUnwritableDatabasePathFailsToOpen() {
        #expect(throws: (any Error).self) {
            _ = try AppDatabase(path: "/proc/masthead-cannot-write-here/masthead.sqlite")
        }
    }
}
