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
        return try await database.reader.read { db in
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
