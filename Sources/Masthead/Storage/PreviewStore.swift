/// Preview links (`PreviewLink`) and the secret their tokens are signed with.
public protocol PreviewStore: Sendable {
    /// A new link to the article `slug`, whatever its status, until `expiresAt`, made by
    /// `token`. `StoreError.notFound` when there is no such article.
    func create(for slug: Slug, expiresAt: Timestamp, by token: TokenInfo?) async throws -> PreviewLink
    /// The article's links, newest first, expired ones included. `StoreError.notFound` when
    /// there is no such article.
    func list(for slug: Slug) async throws -> [PreviewLink]
    /// `StoreError.notFound` when the article has no link with that id.
    func delete(id: Int64, for slug: Slug) async throws
    /// The link with that id, if it still exists.
    func find(id: Int64) async throws -> PreviewLink?
    /// The secret every instance signs preview tokens with: made at random on first use,
    /// kept in the database so that instances sharing it agree.
    func secret() async throws -> [UInt8]
    /// A new secret: every preview token made so far stops working.
    func rotateSecret() async throws
}

/// What both engines store for preview links.
enum PreviewSecrets {
    /// The row of `server_secrets` preview tokens are signed with.
    static let name = "preview"

    /// A new 256-bit secret from the system's secure random source.
    static func generate() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
