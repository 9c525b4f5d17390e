import Foundation
import GRDB
import MastheadSQLite
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// What the Docker files run, run here with the same binary and flags (there is no Docker
/// engine to run the image itself).
@Suite struct DockerFilesTests {
    /// The flags of `docker/compose.yaml`'s masthead service, `serve` dropped.
    static func composeServeFlags() throws -> [String] {
        let compose = try String(
            contentsOf: packageRoot.appendingPathComponent("docker/compose.yaml"),
            encoding: .utf8
        )
        let line = try #require(
            compose.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("command:") }
        )
        let list = String(line[try #require(line.firstIndex(of: "["))...])
        let command = try #require(try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [String])
        #expect(command.first == "serve")
        return Array(command.dropFirst())
    }

    /// The image is built from the versions the tests ran with: Package.resolved is in the
    /// build context and the build stage resolves from it alone.
    @Test func theImageIsBuiltFromThePinnedVersions() throws {
        let root = packageRoot
        let dockerfile = try String(contentsOf: root.appendingPathComponent("docker/Dockerfile"), encoding: .utf8)
        let lines = dockerfile.split(separator: "\n").map(String.init)
        let copy = try #require(lines.firstIndex { $0.hasPrefix("COPY Package.swift") })
        #expect(lines[copy].split(separator: " ").contains("Package.resolved"))
        let resolve = try #require(lines.firstIndex { $0.hasPrefix("RUN swift package resolve") })
        #expect(copy < resolve)
        #expect(lines[resolve].contains("--force-resolved-versions"))
        let ignored = try String(contentsOf: root.appendingPathComponent(".dockerignore"), encoding: .utf8)
        #expect(!ignored.split(separator: "\n").contains { $0.hasPrefix("Package.resolved") })
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.resolved").path))
    }

    /// A container's output is a log that others read: the compose service loads the demo
    /// but makes and prints no admin token.
    @Test func theComposeServicePrintsNoToken() async throws {
        let flags = try Self.composeServeFlags()
        #expect(flags.contains("--demo"))
        let folder = try TemporaryFolder()
        let server = try await ServerProcess.serve(flags + ["--db", folder.databasePath, "--port", "0"])
        #expect(!server.startupOutput.contains("mh_"), "\(server.startupOutput)")
        #expect(!server.startupOutput.contains("Demo admin token"))
        server.signal(SIGTERM)
        let database = try AppDatabase(path: folder.databasePath)
        try await database.reader.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM api_tokens") == 0)
            let articles = try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") ?? 0
            #expect(articles > 0)
        }
    }
}
