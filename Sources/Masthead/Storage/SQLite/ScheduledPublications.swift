import GRDB

/// The source of scheduled publication times.
public protocol ScheduledPublications: Sendable {
    /// The earliest `published_at` of a published article still in the future.
    func nextPublication(after now: Timestamp) async throws -> Timestamp?
}

extension SQLiteArticleRepository: ScheduledPublications {
    public func nextPublication(after now: Timestamp) async throws -> Timestamp? {
        try await database.reader.read { db in
            try Timestamp.fetchOne(
                db,
                SQLRequest<Timestamp>(
                    literal:
                        "SELECT MIN(a.published_at) FROM articles a WHERE \(PublicVisibility.scheduledCondition(at: now))",
                    cached: true
                )
            )
        }
    }
}
