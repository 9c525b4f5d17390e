import Crypto
import Hummingbird
import MastheadDomain

/// Which content revision of one resource a representation shows: the resource's kind, id
/// and `revision`, which only a write to that resource moves on. Server-owned values in
/// the representation (view counts, article counts, the names of linked resources) and
/// the encoding are not part of it.
package struct ResourceVersion: Sendable, Equatable {
    package let kind: ResourceKind
    package let id: Int64
    package let revision: Int

    /// Twelve base64url characters; never contains `.`.
    package var token: String {
        var hasher = SHA256()
        hasher.update(data: Array("\(kind)/\(id)/\(revision)".utf8))
        return Base64URL.encode(Array(hasher.finalize().prefix(9)))
    }
}

/// Strong entity tags.
///
/// A list's tag is the first 128 bits of the SHA-256 of the exact bytes served. A single
/// resource's tag has two parts, `"<version>.<bytes>"`: the resource's content version,
/// then the hash of the bytes. The whole tag changes whenever the bytes do, so
/// `If-None-Match` revalidation sees new view counts; `If-Match` compares the version part
/// only, so a write is refused only when the content changed since the client read it,
/// whatever counters moved meanwhile and whichever variant (token or anonymous read,
/// `fields`, `formats`, gzip) the client's tag came from.
package enum EntityTag {
    package static func strong(for bytes: some Sequence<UInt8>, version: ResourceVersion? = nil) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        let digest = Base64URL.encode(Array(hasher.finalize().prefix(16)))
        return "\"" + (version.map { $0.token + "." } ?? "") + digest + "\""
    }

    /// Whether an `If-Match` header lets a write to a resource at `current` go ahead
    /// (RFC 9110 §13.1.1): `*`, or a listed strong tag this server issued for that version.
    /// A weak tag never matches.
    package static func ifMatch(_ header: String, current: ResourceVersion) -> Bool {
        let token = current.token
        return header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingSpaces
            return tag == "*" || version(of: tag) == token[...]
        }
    }

    /// The version part of a resource's tag, with or without the `-gz` of its gzip variant.
    private static func version(of tag: Substring) -> Substring? {
        guard tag.count > 2, tag.first == "\"", tag.last == "\"" else { return nil }
        let opaque = tag.dropFirst().dropLast()
        guard let dot = opaque.firstIndex(of: ".") else { return nil }
        return opaque[..<dot]
    }
}
