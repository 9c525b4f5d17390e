import Crypto
import Hummingbird

/// Strong entity tags: the first 128 bits of the SHA-256 of the exact bytes served, so a
/// tag changes whenever a representation does, and never otherwise.
enum EntityTag {
    static func strong(for bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        let digest = Array(hasher.finalize())
        return "\"" + Base64URL.encode(Array(digest.prefix(16))) + "\""
    }

    /// Whether an `If-Match` header lets a write to a resource whose current tag is `current`
    /// go ahead (RFC 9110 §13.1.1: `*`, or a list with an identical strong tag).
    static func ifMatch(_ header: String, matches current: String) -> Bool {
        let candidates = header.split(separator: ",").map { $0.trimmingSpaces }
        return candidates.contains("*") || candidates.contains { $0 == current[...] }
    }
}
