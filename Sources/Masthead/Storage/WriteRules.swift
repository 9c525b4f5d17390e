/// The rules every engine's writes follow, stated once: revisions and slugs.
enum WriteRevision {
    /// The next write's revision, after checking that nobody wrote since `expected`.
    static func next(current: Int, expected: Int?) throws -> Int {
        if let expected, expected != current { throw StoreError.revisionChanged }
        return current + 1
    }
}

enum SlugRules {
    /// A slug the client chose is taken: a 409.
    static func taken(_ slug: String, resource: String) -> StoreError {
        .conflict(code: "slug_taken", detail: "Another \(resource) already has the slug '\(slug)'; choose another.")
    }

    /// No numbered variant of a derived slug is free.
    static let exhausted = StoreError.conflict(
        code: "slug_taken",
        detail: "No free slug could be made from the title; give a slug."
    )

    /// What a derived slug becomes when it is taken, in the order tried: `slug-2` … `slug-10000`,
    /// each cut to fit the longest slug.
    static func numbered(_ slug: Slug) -> some Sequence<String> {
        (2...10_000).lazy.map { number in
            let suffix = "-\(number)"
            let base = String(slug.value.prefix(Slug.maximumLength - suffix.count))
            return (base.hasSuffix("-") ? String(base.dropLast()) : base) + suffix
        }
    }
}
