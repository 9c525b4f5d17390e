import Crypto

/// What a token may do. Each scope implies the ones below it.
public enum Scope: String, Sendable, CaseIterable, Comparable {
    /// See drafts and scheduled articles.
    case contentRead = "content:read"
    /// Create, change and delete content; implies `content:read`.
    case contentWrite = "content:write"
    /// Everything, site settings included.
    case admin

    private var rank: Int {
        switch self {
        case .contentRead: 0
        case .contentWrite: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        lhs.rank < rhs.rank
    }
}

/// An API token's secret: `mh_`, 40 base62 characters from the system's secure random
/// source (about 238 bits), and a 6-character base62 checksum of those 40 (CRC-32), so a
/// mistyped or truncated token is refused before any database lookup.
public struct APIToken: Sendable, Equatable, CustomStringConvertible {
    package static let prefix = "mh_"
    package static let bodyLength = 40
    package static let checksumLength = 6
    package static let length = prefix.utf8.count + bodyLength + checksumLength

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The token as the client sends it.
    public let secret: String

    /// A new random token.
    public static func generate() -> APIToken {
        var generator = SystemRandomNumberGenerator()
        // Rejection sampling keeps every character uniformly likely (248 = 4 × 62).
        var body: [UInt8] = []
        while body.count < bodyLength {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            if byte < 248 { body.append(alphabet[Int(byte % 62)]) }
        }
        let bodyText = String(decoding: body, as: UTF8.self)
        return APIToken(secret: prefix + bodyText + checksum(of: body))
    }

    /// Accepts only the token's exact shape with a matching checksum.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == Self.length, text.hasPrefix(Self.prefix) else { return nil }
        let body = bytes[Self.prefix.utf8.count..<(Self.prefix.utf8.count + Self.bodyLength)]
        let checksum = bytes[(Self.prefix.utf8.count + Self.bodyLength)...]
        guard body.allSatisfy(Self.alphabet.contains),
            String(decoding: checksum, as: UTF8.self) == Self.checksum(of: Array(body))
        else { return nil }
        self.secret = String(text)
    }

    private init(secret: String) {
        self.secret = secret
    }

    /// What the database stores instead of the token.
    public var sha256: [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Never the secret: a token must not end up in a log by accident.
    public var description: String { "mh_…" }

    private static func checksum(of body: [UInt8]) -> String {
        var value = CRC32.checksum(body)
        var characters = [UInt8](repeating: alphabet[0], count: checksumLength)
        for index in stride(from: checksumLength - 1, through: 0, by: -1) {
            characters[index] = alphabet[Int(value % 62)]
            value /= 62
        }
        return String(decoding: characters, as: UTF8.self)
    }
}

/// CRC-32 (IEEE 802.3, as zlib computes it).
package enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }

    package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
