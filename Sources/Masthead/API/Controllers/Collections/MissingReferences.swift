import MastheadDomain
import MastheadStorage
extension ResourceStore {
    /// A problem for every slug in `document[field]` (a slug, or a list of slugs) that does not
    /// exist. Malformed values are left to the field's own validation.
    package func missing(in document: JSONObject, field: String) async throws -> [FieldError] {
        var candidates: [(index: Int?, slug: Slug)] = []
        switch document[field] {
        case .string(let text)?:
            if let slug = Slug(parsing: text) { candidates.append((nil, slug)) }
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                if case .string(let text) = item, let slug = Slug(parsing: text) { candidates.append((index, slug)) }
            }
        default:
            break
        }
        let found = try await existing(among: candidates.map(\.slug))
        return candidates.filter { !found.contains($0.slug.value) }.map { candidate in
            ProblemError.unknownReference(
                MissingReference(field: field, index: candidate.index, slug: candidate.slug.value)
            )
        }
    }
}
