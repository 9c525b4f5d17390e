import MastheadDomain

/// A stored API token, never its secret.
public struct TokenInfo: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let scopes: [Scope]
    public let createdAt: Timestamp
    public let lastUsedAt: Timestamp?
    public let expiresAt: Timestamp?
    public let revokedAt: Timestamp?
    /// Units this token may spend a minute (and at once), as requests without a token spend
    /// theirs (`RateLimiter`); nil: not limited.
    public var rateLimit: Int? = nil

    /// The strongest scope the token holds; scopes imply the weaker ones.
    public var scope: Scope { scopes.max() ?? .contentRead }

    /// A token whose scopes could not be read (`scopes` empty) allows nothing.
    public func allows(_ needed: Scope) -> Bool { scopes.max().map { $0 >= needed } ?? false }

    package init(
        id: Int64,
        name: String,
        scopes: [Scope],
        createdAt: Timestamp,
        lastUsedAt: Timestamp?,
        expiresAt: Timestamp?,
        revokedAt: Timestamp?,
        rateLimit: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.rateLimit = rateLimit
    }
}

/// API tokens: only their hashes are stored.
public protocol TokenStore: Sendable {
    /// Stores a new token's hash and returns the token, whose secret exists nowhere else.
    /// `rateLimit`: units a minute it may spend (`TokenInfo.rateLimit`); nil, not limited.
    func create(name: String, scopes: [Scope], expiresAt: Timestamp?, rateLimit: Int?) async throws
        -> (APIToken, TokenInfo)
    func list() async throws -> [TokenInfo]
    /// Throws `StoreError.notFound` for an unknown id.
    func revoke(id: Int64) async throws -> TokenInfo
    /// The token's record when it is known, not revoked and not expired; nil otherwise.
    func authenticate(_ token: APIToken) async throws -> TokenInfo?
    /// Creates the token only when the store holds none, as one step: instances starting
    /// together make one between them, and the others get nil.
    func createFirst(name: String, scopes: [Scope]) async throws -> (APIToken, TokenInfo)?
}

extension TokenStore {
    /// A token without a rate limit.
    public func create(name: String, scopes: [Scope], expiresAt: Timestamp?) async throws -> (APIToken, TokenInfo) {
        try await create(name: name, scopes: scopes, expiresAt: expiresAt, rateLimit: nil)
    }
}

/// How every engine stores a token's scopes and when it notes a token's use.
package enum TokenScopes {
    /// `last_used_at` is written at most this often per token, so reads stay reads.
    package static let lastUsedResolutionSeconds: Int64 = 60

    package static func text(_ scopes: [Scope]) -> String {
        scopes.map(\.rawValue).joined(separator: " ")
    }

    /// The scopes stored as `text`; none at all when any word of it is not a scope, so that
    /// a token whose scopes cannot be read fails closed: authentication refuses it.
    package static func parse(_ text: String) -> [Scope] {
        let words = text.split(separator: " ")
        let scopes = words.compactMap { Scope(rawValue: String($0)) }
        return scopes.count == words.count ? scopes : []
    }

    /// Whether a stored token authenticates at `now`: not revoked, not expired, and with
    /// scopes that could be read.
    package static func authenticates(_ token: TokenInfo, at now: Timestamp) -> Bool {
        token.revokedAt == nil && (token.expiresAt.map { $0 > now } ?? true) && !token.scopes.isEmpty
    }

    package static func lastUseIsStale(_ lastUsedAt: Timestamp?, now: Timestamp) -> Bool {
        lastUsedAt.map { $0 <= now.adding(seconds: -lastUsedResolutionSeconds) } ?? true
    }
}
