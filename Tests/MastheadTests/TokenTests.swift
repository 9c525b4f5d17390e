import Foundation
import GRDB
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct TokenFormatTests {
    @Test func generatedTokensHaveThePrefixBodyAndChecksum() {
        let token = APIToken.generate()
        #expect(token.secret.hasPrefix("mh_"))
        #expect(token.secret.count == 3 + 40 + 6)
        #expect(token.secret.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(APIToken(parsing: token.secret) == token)
    }

    @Test func tokensAreUnique() {
        let secrets = Set((0..<1000).map { _ in APIToken.generate().secret })
        #expect(secrets.count == 1000)
    }

    @Test func aMistypedTokenFailsItsChecksum() {
        let secret = APIToken.generate().secret
        var characters = Array(secret)
        let index = 10
        characters[index] = characters[index] == "a" ? "b" : "a"
        #expect(APIToken(parsing: String(characters)) == nil)
        #expect(APIToken(parsing: String(secret.dropLast())) == nil)
        #expect(APIToken(parsing: secret + "x") == nil)
        #expect(APIToken(parsing: "xx_" + secret.dropFirst(3)) == nil)
        #expect(APIToken(parsing: "") == nil)
    }

    @Test func descriptionNeverShowsTheSecret() {
        let token = APIToken.generate()
        #expect(!"\(token)".contains(token.secret.dropFirst(3)))
        #expect(!String(reflecting: token).isEmpty)
    }

    @Test func scopesImplyTheWeakerOnes() {
        #expect(Scope.admin > .contentWrite)
        #expect(Scope.contentWrite > .contentRead)
        let writer = TokenInfo(
            id: 1,
            name: "w",
            scopes: [.contentWrite],
            createdAt: Timestamp(secondsSinceEpoch: 0),
            lastUsedAt: nil,
            expiresAt: nil,
            revokedAt: nil
        )
        #expect(writer.allows(.contentRead) && writer.allows(.contentWrite) && !writer.allows(.admin))
    }
}

@Suite struct SQLiteTokenStoreTests {
    @Test func onlyTheHashIsStoredAndRevocationAndExpiryEndATokenAtOnce() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let clock = TestClock()
        let tokens = SQLiteTokenStore(database: database, clock: clock.contentClock)
        let (token, info) = try await tokens.create(
            name: "ci",
            scopes: [.contentWrite],
            expiresAt: clock.now.adding(seconds: 60)
        )
        #expect(info.name == "ci")
        #expect(info.scopes == [.contentWrite])

        let stored = try await database.reader.read { db in
            try Data.fetchOne(db, sql: "SELECT token_sha256 FROM api_tokens")!
        }
        #expect(Array(stored) == token.sha256)
        #expect(try await tokens.authenticate(token)?.id == info.id)

        clock.advance(seconds: 60)
        #expect(try await tokens.authenticate(token) == nil, "expired")

        let (second, secondInfo) = try await tokens.create(name: "other", scopes: [.admin], expiresAt: nil)
        #expect(try await tokens.authenticate(second) != nil)
        _ = try await tokens.revoke(id: secondInfo.id)
        #expect(try await tokens.authenticate(second) == nil, "revoked")
        #expect(try await tokens.list().map(\.name) == ["ci", "other"])
        await #expect(throws: StoreError.notFound(resource: .token, slug: "99")) {
            try await tokens.revoke(id: 99)
        }
    }

    @Test func lastUsedIsRecordedAtMostOnceAMinute() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let clock = TestClock()
        let tokens = SQLiteTokenStore(database: database, clock: clock.contentClock)
        let (token, _) = try await tokens.create(name: "ci", scopes: [.contentRead], expiresAt: nil)
        _ = try await tokens.authenticate(token)
        let first = try await tokens.list()[0].lastUsedAt
        #expect(first == clock.now)
        clock.advance(seconds: 30)
        _ = try await tokens.authenticate(token)
        #expect(try await tokens.list()[0].lastUsedAt == first)
        clock.advance(seconds: 31)
        _ = try await tokens.authenticate(token)
        #expect(try await tokens.list()[0].lastUsedAt == clock.now)
    }
}
