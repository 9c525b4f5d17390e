import MastheadDomain

/// A value as both engines store it in a column.
package enum StoredValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case time(Timestamp)
    case flag(Bool)
    case null

    /// The value as a detail holds it; nil for NULL.
    package var detail: DetailValue? {
        switch self {
        case .text(let text): .text(text)
        case .integer(let integer): .number(integer)
        case .time(let time): .time(time)
        case .flag(let flag): .flag(flag)
        case .null: nil
        }
    }

    /// A detail's value as its column holds it.
    package init(_ detail: DetailValue) {
        switch detail {
        case .text(let text): self = .text(text)
        case .flag(let flag): self = .flag(flag)
        case .number(let number): self = .integer(number)
        case .time(let time): self = .time(time)
        }
    }
}

/// A result row as both engines read it, by column name. Each engine's row type conforms,
/// so that a kind's resource is read from a row in one place (`SluggedKind.read`).
package protocol StoredRow {
    func text(_ column: String) throws -> String
    func optionalText(_ column: String) throws -> String?
    func integer(_ column: String) throws -> Int64
    func time(_ column: String) throws -> Timestamp
    /// A detail's column (`Details`), read as its kind is stored; nil when NULL.
    func detail(_ column: String, _ kind: DetailValue.Kind) throws -> DetailValue?
}

extension StoredRow {
    /// An integer column that holds a count, a position or a revision.
    package func int(_ column: String) throws -> Int {
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
package struct SluggedKind<Input: SluggedInput, Resource: Sendable>: Sendable {
    /// The kind, as messages, events and ETags name it.
    package let kind: ResourceKind
    /// The table, one of ours: never a request's text.
    package let table: String
    /// The columns the input writes, in the order they are written.
    package let columns: [Column]
    /// The input's fields as a row holds them (its slug `.keep`, its links empty: those are
    /// read apart). Export reads a stored resource with this.
    package let input: @Sendable (any StoredRow) throws -> Input
    /// The resource made of a row's identity and input, and the kind's computed columns
    /// (`article_count`) from the row itself.
    package let resource: @Sendable (StoredIdentity, Input, any StoredRow) throws -> Resource
    /// `INSERT INTO <table> (slug, <columns>, revision, created_at, updated_at) VALUES (…)`,
    /// bound with `insertValues`.
    package let insertStatement: Statement
    /// `UPDATE <table> SET slug, revision, updated_at, <columns> WHERE id`, bound with
    /// `updateValues`.
    package let updateStatement: Statement

    /// A kind whose input also holds details (`Details`): a column for each, after `columns`.
    package init<Owner: Details>(
        kind: ResourceKind,
        table: String,
        columns: [Column],
        details: @escaping @Sendable (Input) -> Owner,
        input: @escaping @Sendable (any StoredRow) throws -> Input,
        resource: @escaping @Sendable (StoredIdentity, Input, any StoredRow) throws -> Resource
    ) {
        let detailColumns = Owner.fields.map { field in
            Column(name: field.name, value: { input in details(input)[field].map(StoredValue.init) }, isPosition: false)
        }
        self.init(kind: kind, table: table, columns: columns + detailColumns, input: input, resource: resource)
    }

    package init(
        kind: ResourceKind,
        table: String,
        columns: [Column],
        input: @escaping @Sendable (any StoredRow) throws -> Input,
        resource: @escaping @Sendable (StoredIdentity, Input, any StoredRow) throws -> Resource
    ) {
        self.kind = kind
        self.table = table
        self.columns = columns
        self.input = input
        self.resource = resource
        // Each piece holds one parameter. A position left out (bound NULL) goes after the
        // last on insert and stays as it is on update.
        let written = columns.map { column in
            column.isPosition
                ? (
                    insert: "COALESCE(?, (SELECT COALESCE(MAX(\(column.name)), 0) + 1 FROM \(table)))",
                    update: "\(column.name) = COALESCE(?, \(column.name))"
                )
                : (insert: "?", update: "\(column.name) = ?")
        }
        let names = ["slug"] + columns.map(\.name) + ["revision", "created_at", "updated_at"]
        insertStatement = Statement(
            pieces: ["?"] + written.map(\.insert) + ["?", "?", "?"],
            joined: { "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\($0.joined(separator: ", ")))" }
        )
        let assignments = ["slug = ?", "revision = ?", "updated_at = ?"] + written.map(\.update)
        updateStatement = Statement(
            pieces: assignments + ["id = ?"],
            joined: { "UPDATE \(table) SET \($0.dropLast().joined(separator: ", ")) WHERE \($0.last!)" }
        )
    }

    /// The values `insertStatement` takes for `input`, in order.
    package func insertValues(
        _ input: Input,
        slug: String,
        revision: Int,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) -> [StoredValue] {
        [.text(slug)] + columns.map { $0.value(input) ?? .null }
            + [.integer(Int64(revision)), .time(createdAt), .time(updatedAt)]
    }

    /// The values `updateStatement` takes for `input` over the row `id`, in order.
    package func updateValues(id: Int64, _ input: Input, slug: String, revision: Int, updatedAt: Timestamp)
        -> [StoredValue]
    {
        [.text(slug), .integer(Int64(revision)), .time(updatedAt)] + columns.map { $0.value(input) ?? .null }
            + [.integer(id)]
    }

    /// A statement written once, in each engine's spelling of its parameters.
    package struct Statement: Sendable {
        /// With `?` parameters (SQLite).
        package let anonymous: String
        /// With `$1`, `$2`, … parameters (PostgreSQL).
        package let numbered: String

        /// `pieces` each hold one `?`; `joined` makes the statement of them.
        init(pieces: [String], joined: ([String]) -> String) {
            anonymous = joined(pieces)
            numbered = joined(
                pieces.enumerated().map { index, piece in
                    piece.split(separator: "?", omittingEmptySubsequences: false).joined(separator: "$\(index + 1)")
                }
            )
        }
    }

    /// The resource from a row of `SELECT <table>.*` with the kind's computed columns; links
    /// are read apart.
    package func read(_ row: any StoredRow) throws -> Resource {
        try resource(StoredIdentity(row), input(row), row)
    }

    /// One column the input writes.
    package struct Column: Sendable {
        package let name: String
        /// The value the input gives it; nil when the input leaves it out.
        package let value: @Sendable (Input) -> StoredValue?
        /// A list position: left out, a new resource goes after the last (one more than the
        /// largest, 1 in an empty table), and a replaced one stays where it is.
        package let isPosition: Bool

        /// A text column (nil stores NULL).
        package static func text(_ name: String, _ value: @escaping @Sendable (Input) -> String?) -> Column {
            Column(name: name, value: { input in value(input).map(StoredValue.text) }, isPosition: false)
        }

        /// A list position.
        package static func position(_ name: String, _ value: @escaping @Sendable (Input) -> Int?) -> Column {
            Column(name: name, value: { input in value(input).map { .integer(Int64($0)) } }, isPosition: true)
        }
    }
}

extension SluggedKind {
    /// The row's identity columns and the description's, qualified by `alias`: a select list
    /// that reads what `read` needs and nothing else (PostgreSQL's search documents stay in
    /// the database).
    package func selectList(_ alias: String) -> String {
        (["id", "slug", "revision", "created_at", "updated_at"] + columns.map(\.name))
            .map { "\(alias).\($0)" }.joined(separator: ", ")
    }
}

/// What every slugged row holds besides its input's fields.
package struct StoredIdentity: Sendable, Equatable {
    package let id: Int64
    package let slug: String
    package let revision: Int
    package let createdAt: Timestamp
    package let updatedAt: Timestamp

    package init(_ row: any StoredRow) throws {
        id = try row.integer("id")
        slug = try row.text("slug")
        revision = try row.int("revision")
        createdAt = try row.time("created_at")
        updatedAt = try row.time("updated_at")
    }
}

/// The descriptions of the slugged kinds.
package enum SluggedKinds {
    package static let authors = SluggedKind<AuthorInput, Author>(
        kind: .author,
        table: "authors",
        columns: [.text("name") { $0.name }],
        details: { $0.details },
        input: { row in
            AuthorInput(
                slug: .keep,
                name: try row.text("name"),
                details: try AuthorDetails(reading: row.detail)
            )
        },
        resource: { stored, input, row in
            Author(
                id: stored.id,
                slug: stored.slug,
                name: input.name,
                details: input.details,
                articleCount: try row.int("article_count"),
                revision: stored.revision,
                createdAt: stored.createdAt,
                updatedAt: stored.updatedAt
            )
        }
    )

    package static let tags = SluggedKind<TagInput, Tag>(
        kind: .tag,
        table: "tags",
        columns: [.text("name") { $0.name }],
        details: { $0.details },
        input: { row in
            TagInput(slug: .keep, name: try row.text("name"), details: try TagDetails(reading: row.detail))
        },
        resource: { stored, input, row in
            Tag(
                id: stored.id,
                slug: stored.slug,
                name: input.name,
                details: input.details,
                articleCount: try row.int("article_count"),
                revision: stored.revision
            )
        }
    )

    package static let platforms = SluggedKind<PlatformInput, Platform>(
        kind: .platform,
        table: "platforms",
        columns: [
            .text("name") { $0.name },
            .text("focus") { $0.focus },
            .text("tagline") { $0.tagline },
            .text("description") { $0.description },
            .position("position") { $0.position },
        ],
        details: { $0.details },
        input: { row in
            PlatformInput(
                slug: .keep,
                name: try row.text("name"),
                focus: try row.text("focus"),
                tagline: try row.text("tagline"),
                description: try row.text("description"),
                details: try PlatformDetails(reading: row.detail),
                position: try row.int("position"),
                services: []
            )
        },
        resource: { stored, input, _ in
            Platform(
                id: stored.id,
                slug: stored.slug,
                name: input.name,
                focus: input.focus,
                tagline: input.tagline,
                description: input.description,
                details: input.details,
                position: input.position ?? 0,
                revision: stored.revision,
                services: []
            )
        }
    )

    package static let services = SluggedKind<ServiceInput, Service>(
        kind: .service,
        table: "services",
        columns: [
            .text("title") { $0.title },
            .text("subtitle") { $0.subtitle },
            .text("description") { $0.description },
            .position("position") { $0.position },
        ],
        input: { row in
            ServiceInput(
                slug: .keep,
                title: try row.text("title"),
                subtitle: try row.text("subtitle"),
                description: try row.text("description"),
                position: try row.int("position"),
                platforms: []
            )
        },
        resource: { stored, input, _ in
            Service(
                id: stored.id,
                slug: stored.slug,
                title: input.title,
                subtitle: input.subtitle,
                description: input.description,
                position: input.position ?? 0,
                revision: stored.revision,
                platforms: []
            )
        }
    )
}
