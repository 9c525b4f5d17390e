import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// API tokens on PostgreSQL: only their SHA-256 is stored.
package struct PostgresTokenStore: TokenStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package var logger: Logger { engine.logger }

    package func create(name: String, scopes: [Scope], expiresAt: Timestamp?, rateLimit: Int?) async throws
        -> (APIToken, TokenInfo)
    {
        try await create(name: name, scopes: scopes, expiresAt: expiresAt, rateLimit: rateLimit, onlyFirst: false)!
    }

    package func createFirst(name: String, scopes: [Scope]) async throws -> (APIToken, TokenInfo)? {
        try await create(name: name, scopes: scopes, expiresAt: nil, rateLimit: nil, onlyFirst: true)
    }

    /// For the first token, instances take a transaction-scoped advisory lock before they
    /// look, so that one looks and inserts at a time.
    private func create(name: String, scopes: [Scope], expiresAt: Timestamp?, rateLimit: Int?, onlyFirst: Bool)
        async throws
        -> (APIToken, TokenInfo)?
    {
        let token = APIToken.generate()
        let now = clock.now
        let logger = logger
        let info = try await engine.write(announcing: nil) { connection -> TokenInfo? in
            if onlyFirst {
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresEngine.firstTokenLock))",
                    logger: logger
                )
                let exists =
                    try await connection.query("SELECT EXISTS (SELECT 1 FROM api_tokens) AS held", logger: logger)
                    .first { try $0["held"] as Bool } ?? false
                if exists { return nil }
            }
            return try await connection.query(
                """
                INSERT INTO api_tokens (name, token_sha256, scopes, created_at, expires_at, rate_limit)
                VALUES (\(name), \(Data(token.sha256)), \(TokenScopes.text(scopes)), \(now.date), \(expiresAt?.date),
                    \(rateLimit))
                RETURNING *
                """,
                logger: logger
            ).first(Self.info)!
        }
        return info.map { (token, $0) }
    }

    package func list() async throws -> [TokenInfo] {
        try await engine.client.query("SELECT * FROM api_tokens ORDER BY id", logger: logger).map(Self.info)
    }

    package func revoke(id: Int64) async throws -> TokenInfo {
        let now = clock.now
        let revoked = try await engine.client.query(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, \(now.date)) WHERE id = \(id) RETURNING *",
            logger: logger
        ).first(Self.info)
        guard let revoked else { throw StoreError.notFound(resource: .token, slug: String(id)) }
        return revoked
    }

    package func authenticate(_ token: APIToken) async throws -> TokenInfo? {
        let now = clock.now
        let found = try await engine.client.query(
            "SELECT * FROM api_tokens WHERE token_sha256 = \(Data(token.sha256))",
            logger: logger
        ).first(Self.info)
        guard let found, TokenScopes.authenticates(found, at: now) else { return nil }
        if TokenScopes.lastUseIsStale(found.lastUsedAt, now: now) {
            try await engine.client.query(
                "UPDATE api_tokens SET last_used_at = \(now.date) WHERE id = \(found.id)",
                logger: logger
            )
        }
        return found
    }

    package static func info(from row: PGRow) throws -> TokenInfo {
        TokenInfo(
            id: try row["id"],
            name: try row["name"],
            scopes: TokenScopes.parse(try row["scopes"]),
            createdAt: try row.time("created_at"),
            lastUsedAt: try row.optionalTime("last_used_at"),
            expiresAt: try row.optionalTime("expires_at"),
            revokedAt: try row.optionalTime("revoked_at"),
            rateLimit: try row["rate_limit"]
        )
    }
}
