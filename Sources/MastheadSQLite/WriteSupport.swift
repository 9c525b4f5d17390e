import GRDB
import MastheadDomain
import MastheadStorage

/// Pieces every collection's writes share, run inside the caller's write transaction.
package enum WriteSupport {
    /// The slug a write ends up with. `table` is one of ours, never user input.
    package static func slug(
        for choice: SlugChoice,
        current: String?,
        table: String,
        resource: ResourceKind,
        excludingID id: Int64?,
        _ db: Database
    ) throws -> String {
        func isTaken(_ candidate: String) throws -> Bool {
            try Bool.fetchOne(
                db,
                SQLRequest<Bool>(
                    literal:
                        "SELECT EXISTS (SELECT 1 FROM \(identifier: table) WHERE slug = \(candidate) AND id IS NOT \(id))",
                    cached: true
                )
            ) ?? false
        }
        switch choice {
        case .keep:
            guard let current else { preconditionFailure("a new resource has no slug to keep") }
            return current
        case .given(let slug):
            if try isTaken(slug.value) { throw SlugRules.taken(slug.value, resource: resource) }
            return slug.value
        case .derived(let slug):
            if try !isTaken(slug.value) { return slug.value }
            for candidate in SlugRules.numbered(slug) where try !isTaken(candidate) { return candidate }
            throw SlugRules.exhausted
        }
    }

    /// The ids of `slugs` in `table`, in order; every slug that does not exist is reported
    /// against `field` at its index (or without one when `listed` is false).
    package static func ids(
        of slugs: [Slug],
        in table: String,
        field: String,
        listed: Bool,
        _ db: Database,
        missing: inout [MissingReference]
    ) throws -> [Int64] {
        guard !slugs.isEmpty else { return [] }
        let values = slugs.map(\.value)
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(literal: "SELECT id, slug FROM \(identifier: table) WHERE slug IN \(values)", cached: true)
        )
        var idsBySlug: [String: Int64] = [:]
        for row in rows { idsBySlug[row["slug"]] = row["id"] }
        var ids: [Int64] = []
        for (index, slug) in values.enumerated() {
            if let id = idsBySlug[slug] {
                ids.append(id)
            } else {
                missing.append(MissingReference(field: field, index: listed ? index : nil, slug: slug))
            }
        }
        return ids
    }

    /// Which of `slugs` are in `table`, one of ours.
    package static func existing(_ slugs: [Slug], in table: String, _ db: Database) throws -> Set<String> {
        guard !slugs.isEmpty else { return [] }
        let values = slugs.map(\.value)
        return Set(
            try String.fetchAll(
                db,
                SQLRequest<String>(
                    literal: "SELECT slug FROM \(identifier: table) WHERE slug IN \(values)",
                    cached: true
                )
            )
        )
    }

    /// The next write's revision, after checking that nobody wrote since `expected`.
    package static func nextRevision(current: Int, expected: Int?) throws -> Int {
        try WriteRevision.next(current: current, expected: expected)
    }
}
