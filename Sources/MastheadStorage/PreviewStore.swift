import MastheadDomain

/// Preview links (`PreviewLink`) and the secret their tokens are signed with.
public protocol PreviewStore: Sendable {
    /// A new link to the article `slug`, whatever its status, until `expiresAt`, made by
    /// `token`. The article's expired links are deleted in the same transaction; a 409
    /// (`PreviewSecrets.tooMany`) when it still has `PreviewSecrets.maximumPerArticle`.
    /// `StoreError.notFound` when there is no such article.
    func create(for slug: Slug, expiresAt: Timestamp, by token: TokenInfo?) async throws -> PreviewLink
    /// The article's links that have not expired, newest first. `StoreError.notFound` when
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
package enum PreviewSecrets {
    /// The row of `server_secrets` preview tokens are signed with.
    package static let name = "preview"

    /// Live links one article may have at once: enough for every reviewer, and a bound on
    /// what one token can make the database hold.
    package static let maximumPerArticle = 20

    package static let tooMany = StoreError.conflict(
        code: "too_many_preview_links",
        detail: "An article has at most \(maximumPerArticle) preview links at once; delete one first."
    )

    /// A new 256-bit secret from the system's secure random source.
    package static func generate() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
