import GRDB

/// The collections a write can refer to by slug.
public enum ReferenceKind: String, Sendable {
    case authors
    case tags
    case platforms
    case services
}

/// Answers which of some slugs exist, so that a refused write can name every unknown
/// reference together with its other problems. Writes check again in their transaction.
public protocol ReferenceRepository: Sendable {
    func existing(_ kind: ReferenceKind, among slugs: [Slug]) async throws -> Set<String>
}

public struct SQLiteReferenceRepository: ReferenceRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func existing(_ kind: ReferenceKind, among slugs: [Slug]) async throws -> Set<String> {
        guard !slugs.isEmpty else { return [] }
        let values = slugs.map(\.value)
        return try await database.pool.read { db in
            Set(
                try String.fetchAll(
                    db,
                    SQLRequest<String>(
                        literal: "SELECT slug FROM \(identifier: kind.rawValue) WHERE slug IN \(values)",
                        cached: true
                    )
                )
            )
        }
    }
}

extension ReferenceRepository {
    /// A problem for every slug in `document[field]` (a slug, or a list of slugs) that does not
    /// exist. Malformed values are left to the field's own validation.
    func missing(_ kind: ReferenceKind, in document: JSONObject, field: String) async throws -> [FieldError] {
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
        let found = try await existing(kind, among: candidates.map(\.slug))
        return candidates.filter { !found.contains($0.slug.value) }.map { candidate in
            ProblemError.unknownReference(
                MissingReference(field: field, index: candidate.index, slug: candidate.slug.value)
            )
        }
    }
}
