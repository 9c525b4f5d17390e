import MastheadDomain

/// A value as both engines store it in a column.
public enum StoredValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case null
}

/// A result row as both engines read it, by column name. Each engine's row type conforms,
/// so that a kind's resource is read from a row in one place (`SluggedKind.read`).
public protocol StoredRow {
    func text(_ column: String) throws -> String
    func optionalText(_ column: String) throws -> String?
    func integer(_ column: String) throws -> Int64
    func time(_ column: String) throws -> Timestamp
}

extension StoredRow {
    /// An integer column that holds a count, a position or a revision.
    public func int(_ column: String) throws -> Int {
        Int(truncatingIfNeeded: try integer(column))
    }
}

/// One description of a kind whose resources are rows of one table found by slug (authors,
/// tags, platforms, services): its table, the columns its input writes, and how its resource
/// is read back from a row. Both engines' slugged stores read it; a field of such a kind is
/// written down here once, not once per engine.
///
/// Every such table also has `id`, `slug`, `revision`, `created_at` and `updated_at`, which
/// the stores write themselves; links to other resources (a platform's services) are written
/// beside the row by each engine's store.
public struct SluggedKind<Input: SluggedInput, Resource: Sendable>: Sendable {
    /// The kind, as messages, events and ETags name it.
    public let kind: ResourceKind
    /// The table, one of ours: never a request's text.
    public let table: String
    /// The columns the input writes, in the order they are written.
    public let columns: [Column]
    /// The resource from a row of `SELECT <table>.*` with the kind's computed columns
    /// (`article_count`); links are read apart.
    public let read: @Sendable (any StoredRow) throws -> Resource

    /// One column the input writes.
    public struct Column: Sendable {
        public let name: String
        /// The value the input gives it, or nil when the input leaves it out: on create the
        /// column then takes `whenLeftOut`, on replace it keeps what it holds.
        public let value: @Sendable (Input) -> StoredValue?
        /// What a create stores when the input leaves the column out.
        public let whenLeftOut: LeftOut?

        /// A text column (nil stores NULL).
        public static func text(_ name: String, _ value: @escaping @Sendable (Input) -> String?) -> Column {
            Column(name: name, value: { input in value(input).map(StoredValue.text) ?? .null }, whenLeftOut: nil)
        }

        /// A list position: left out, a new resource goes after the last, and a replaced one
        /// stays where it is.
        public static func position(_ name: String, _ value: @escaping @Sendable (Input) -> Int?) -> Column {
            Column(name: name, value: { input in value(input).map { .integer(Int64($0)) } }, whenLeftOut: .afterTheLast)
        }
    }

    /// What a create stores in a column the input leaves out.
    public enum LeftOut: Sendable {
        /// One more than the largest value in the column (1 in an empty table).
        case afterTheLast
    }
}

/// The descriptions of the slugged kinds.
public enum SluggedKinds {
    public static let authors = SluggedKind<AuthorInput, Author>(
        kind: .author,
        table: "authors",
        columns: [
            .text("name") { $0.name },
            .text("bio") { $0.bio },
            .text("avatar_url") { $0.avatarURL },
            .text("website_url") { $0.websiteURL },
            .text("location") { $0.location },
        ],
        read: { row in
            Author(
                id: try row.integer("id"),
                slug: try row.text("slug"),
                name: try row.text("name"),
                bio: try row.optionalText("bio"),
                avatarURL: try row.optionalText("avatar_url"),
                websiteURL: try row.optionalText("website_url"),
                location: try row.optionalText("location"),
                articleCount: try row.int("article_count"),
                revision: try row.int("revision"),
                createdAt: try row.time("created_at"),
                updatedAt: try row.time("updated_at")
            )
        }
    )

    public static let tags = SluggedKind<TagInput, Tag>(
        kind: .tag,
        table: "tags",
        columns: [
            .text("name") { $0.name },
            .text("description") { $0.description },
        ],
        read: { row in
            Tag(
                id: try row.integer("id"),
                slug: try row.text("slug"),
                name: try row.text("name"),
                description: try row.optionalText("description"),
                articleCount: try row.int("article_count"),
                revision: try row.int("revision")
            )
        }
    )

    public static let platforms = SluggedKind<PlatformInput, Platform>(
        kind: .platform,
        table: "platforms",
        columns: [
            .text("name") { $0.name },
            .text("focus") { $0.focus },
            .text("tagline") { $0.tagline },
            .text("description") { $0.description },
            .text("url") { $0.url },
            .position("position") { $0.position },
        ],
        read: { row in
            Platform(
                id: try row.integer("id"),
                slug: try row.text("slug"),
                name: try row.text("name"),
                focus: try row.text("focus"),
                tagline: try row.text("tagline"),
                description: try row.text("description"),
                url: try row.optionalText("url"),
                position: try row.int("position"),
                revision: try row.int("revision"),
                services: []
            )
        }
    )

    public static let services = SluggedKind<ServiceInput, Service>(
        kind: .service,
        table: "services",
        columns: [
            .text("title") { $0.title },
            .text("subtitle") { $0.subtitle },
            .text("description") { $0.description },
            .position("position") { $0.position },
        ],
        read: { row in
            Service(
                id: try row.integer("id"),
                slug: try row.text("slug"),
                title: try row.text("title"),
                subtitle: try row.text("subtitle"),
                description: try row.text("description"),
                position: try row.int("position"),
                revision: try row.int("revision"),
                platforms: []
            )
        }
    )
}
