import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

public struct SQLiteTokenStore: TokenStore {
    package let database: AppDatabase
    package let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func create(name: String, scopes: [Scope], expiresAt: Timestamp?, rateLimit: Int?) async throws
        -> (APIToken, TokenInfo)
    {
        try await create(name: name, scopes: scopes, expiresAt: expiresAt, rateLimit: rateLimit, onlyFirst: false)!
    }

    public func createFirst(name: String, scopes: [Scope]) async throws -> (APIToken, TokenInfo)? {
        try await create(name: name, scopes: scopes, expiresAt: nil, rateLimit: nil, onlyFirst: true)
    }

    /// Writes are serialised, so the check and the insert of one write see the same table.
    private func create(name: String, scopes: [Scope], expiresAt: Timestamp?, rateLimit: Int?, onlyFirst: Bool)
        async throws
        -> (APIToken, TokenInfo)?
    {
        let token = APIToken.generate()
        let now = clock.now
        let info = try await database.write { db -> TokenInfo? in
            if onlyFirst, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_tokens)") == true {
                return nil
            }
            try db.execute(
                literal: """
                    INSERT INTO api_tokens (name, token_sha256, scopes, created_at, expires_at, rate_limit)
                    VALUES (\(name), \(Data(token.sha256)), \(TokenScopes.text(scopes)), \(now), \(expiresAt), \(rateLimit))
                    """
            )
            return try Self.fetch(db, id: db.lastInsertedRowID)!
        }
        return info.map { (token, $0) }
    }

    public func list() async throws -> [TokenInfo] {
        try await database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY id").map { try Self.info(from: $0) }
        }
    }

    public func revoke(id: Int64) async throws -> TokenInfo {
        let now = clock.now
        return try await database.write { db in
            try db.execute(
                literal: "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, \(now)) WHERE id = \(id)"
            )
            guard let info = try Self.fetch(db, id: id) else {
                throw StoreError.notFound(resource: .token, slug: String(id))
            }
            return info
        }
    }

    public func authenticate(_ token: APIToken) async throws -> TokenInfo? {
        let now = clock.now
        let hash = Data(token.sha256)
        let found = try await database.reader.read { db in
            try Row.fetchOne(
                db,
                SQLRequest<Row>(literal: "SELECT * FROM api_tokens WHERE token_sha256 = \(hash)", cached: true)
            ).map {
                try Self.info(from: $0)
            }
        }
        guard let found, TokenScopes.authenticates(found, at: now) else { return nil }
        if TokenScopes.lastUseIsStale(found.lastUsedAt, now: now) {
            try await database.write { db in
                try db.execute(literal: "UPDATE api_tokens SET last_used_at = \(now) WHERE id = \(found.id)")
            }
        }
        return found
    }

    private static func fetch(_ db: Database, id: Int64) throws -> TokenInfo? {
        try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT * FROM api_tokens WHERE id = \(id)", cached: true)).map {
            try info(from: $0)
        }
    }

    private static func info(from row: Row) throws -> TokenInfo {
        TokenInfo(
            id: row["id"],
            name: row["name"],
            scopes: TokenScopes.parse(row["scopes"]),
            createdAt: try row.decode(forColumn: "created_at"),
            lastUsedAt: try row.decode(forColumn: "last_used_at"),
            expiresAt: try row.decode(forColumn: "expires_at"),
            revokedAt: try row.decode(forColumn: "revoked_at"),
            rateLimit: row["rate_limit"]
        )
    }
}
