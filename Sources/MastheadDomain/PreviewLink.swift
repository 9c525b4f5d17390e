import Crypto

/// A link that lets anyone holding it read one article, draft or scheduled, until it
/// expires or is deleted, before the public may (`GET /v1/articles/{slug}?preview=…`).
public struct PreviewLink: Sendable, Equatable {
    public let id: Int64
    public let articleID: Int64
    public let articleSlug: String
    public let createdAt: Timestamp
    public let expiresAt: Timestamp
    /// The token that made the link, by id and name (never its secret); nil when it was
    /// made without one (never, through the API).
    public let createdByTokenID: Int64?
    public let createdByTokenName: String?

    public init(
        id: Int64,
        articleID: Int64,
        articleSlug: String,
        createdAt: Timestamp,
        expiresAt: Timestamp,
        createdByTokenID: Int64?,
        createdByTokenName: String?
    ) {
        self.id = id
        self.articleID = articleID
        self.articleSlug = articleSlug
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.createdByTokenID = createdByTokenID
        self.createdByTokenName = createdByTokenName
    }

    /// How long a link lives unless asked otherwise, and at most.
    public static let defaultLifetimeSeconds: Int64 = 24 * 60 * 60
    public static let maximumLifetimeSeconds: Int64 = 30 * 24 * 60 * 60
}

/// A preview link's token: `mhp_` and, in unpadded base64url, the link's id (8 bytes) and an
/// HMAC-SHA256 under the server's preview secret of the link's id, article and expiry. It is
/// not guessable (256-bit MAC under a 256-bit secret), names one link, and stops working when
/// the link is deleted, expires, or the secret is rotated (every link at once).
public struct PreviewToken: Sendable, Equatable {
    package static let prefix = "mhp_"
    package static let macLength = 32

    public let linkID: Int64
    package let mac: [UInt8]

    /// The token for `link` under `secret`.
    public static func sign(_ link: PreviewLink, secret: [UInt8]) -> String {
        let token = PreviewToken(linkID: link.id, mac: mac(of: link, secret: secret))
        return prefix + Base64URL.encode(bigEndian(link.id) + token.mac)
    }

    /// Accepts only the token's exact shape; whether it is valid is for `verifies` to say.
    public init?(parsing text: some StringProtocol) {
        guard text.hasPrefix(Self.prefix), text.utf8.count <= 64,
            let bytes = Base64URL.decode(text.dropFirst(Self.prefix.count)),
            bytes.count == 8 + Self.macLength
        else { return nil }
        linkID = bytes.prefix(8).reduce(0) { ($0 << 8) | Int64($1) }
        mac = Array(bytes.suffix(Self.macLength))
    }

    private init(linkID: Int64, mac: [UInt8]) {
        self.linkID = linkID
        self.mac = mac
    }

    /// Whether this token was signed for `link` under `secret` (compared in constant time).
    public func verifies(_ link: PreviewLink, secret: [UInt8]) -> Bool {
        link.id == linkID
            && HMAC<SHA256>.isValidAuthenticationCode(
                mac,
                authenticating: Self.message(of: link),
                using: SymmetricKey(data: secret)
            )
    }

    private static func mac(of link: PreviewLink, secret: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message(of: link), using: SymmetricKey(data: secret)))
    }

    private static func message(of link: PreviewLink) -> [UInt8] {
        Array("masthead-preview:v1:\(link.id):\(link.articleID):\(link.expiresAt.secondsSinceEpoch)".utf8)
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
