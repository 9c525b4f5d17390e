import MastheadDomain

/// A kind that is its description and nothing more: rows of one table found by slug, with no
/// links to other kinds and nothing computed when read. Everything else is made from the
/// description (`stored`) and the input's rules (`read`): each engine's store
/// (`SQLiteDescribedStore`, `PostgresDescribedStore`), the export document's section and its
/// import, the API's collection, its JSON and its routes, its cache scope and its events.
///
/// Its fields are its description's columns, each named as the API names it, then its
/// details: a column holds text, a number, a time or a flag, and the API serves each as its
/// JSON type (`DescribedResponse`; documents and exports through `StoredValue.json`). A new such kind is its input (with its rules), its
/// description, a line in `DescribedKinds.all`, a `ResourceKind`, two migrations and
/// `openapi.yaml`.
package protocol DescribedInput: SluggedInput, Equatable {
    /// Its table, columns and details; its resource is the row's identity and this input.
    static var stored: SluggedKind<Self, DescribedResource<Self>> { get }
    /// The columns its list is ordered by, each ascending, then `id` (so the order is total).
    static var listOrder: [ListKey] { get }
    /// The fields a body may carry, `slug` among them.
    static var fields: Set<String> { get }
    /// Reads a request body or an import's record; problems go to `reader`. `existing`: a
    /// replace, whose slug is kept unless the body names one.
    static func read(from reader: inout FieldReader, existing: Bool) -> Self?
}

extension DescribedInput {
    /// Its table, one of ours.
    package static var table: String { stored.table }
    /// Where the API serves the kind: `/v1/<table>`.
    package static var path: String { "/v1/\(table)" }

    /// The input as a request body spells it (each column by its name, those with no value
    /// left out): what an import reads back and a merge patch starts from.
    package var document: JSONObject {
        var document: JSONObject = [:]
        for column in Self.stored.columns {
            if let value = column.value(self), value != .null { document[column.name] = value.json }
        }
        return document
    }
}

/// A column a list is ordered by, ascending (a NULL first), compared the same way on both
/// engines.
package enum ListKey: Sendable {
    /// Text, ignoring the case of ASCII letters (SQLite's `NOCASE`, PostgreSQL's
    /// `masthead_nocase`), as authors and tags are listed by name.
    case text(String)
    /// A number or a time, as stored (both engines order times alike: SQLite's RFC 3339
    /// text sorts as the instants do). Not for text, which the engines collate differently.
    case asStored(String)
}

/// A resource of a described kind: its row's identity, revision and times, and its input.
package struct DescribedResource<Input: DescribedInput>: Sendable, Equatable {
    package let stored: StoredIdentity
    package let input: Input

    package init(_ stored: StoredIdentity, _ input: Input) {
        self.stored = stored
        self.input = input
    }

    package var slug: String { stored.slug }

    /// Each field as the API serves it, in the description's order; nil ones as `.null`.
    package var fields: [(name: String, value: StoredValue)] {
        Input.stored.columns.map { column in (column.name, column.value(input) ?? .null) }
    }
}

extension SluggedKind {
    /// The description of a kind whose resource is its identity and input (`DescribedInput`).
    package init<Owner: Details>(
        kind: ResourceKind,
        table: String,
        columns: [Column],
        details: @escaping @Sendable (Input) -> Owner,
        input: @escaping @Sendable (any StoredRow) throws -> Input
    ) where Resource == DescribedResource<Input> {
        self.init(
            kind: kind,
            table: table,
            columns: columns,
            details: details,
            input: input,
            resource: { stored, input, _ in DescribedResource(stored, input) }
        )
    }
}

extension StoredValue {
    /// The value as the API and an export spell it: a detail's spelling (`DetailValue.json`).
    package var json: JSONValue { detail?.json ?? .null }
}

/// An export entry of a described kind: its slug, its fields as a request body spells them
/// (`DescribedInput.document`), its revision and times, all as keys of one object.
package struct DescribedExport: Codable, Sendable, Equatable {
    package var slug: String
    package var fields: JSONObject
    package var revision: Int
    package var createdAt: Timestamp
    package var updatedAt: Timestamp

    package init<Input: DescribedInput>(_ stored: StoredIdentity, _ input: Input) {
        slug = stored.slug
        fields = input.document
        revision = stored.revision
        createdAt = stored.createdAt
        updatedAt = stored.updatedAt
    }

    /// The fields with the slug: the record an import reads as a request body.
    package var apiDocument: JSONObject { fields.merging(["slug": .string(slug)]) { _, slug in slug } }

    private static let kept: Set = ["slug", "revision", "created_at", "updated_at"]

    package init(from decoder: any Decoder) throws {
        // A dictionary's keys come as written: the document coder's snake case conversion
        // applies to keyed containers, not to `[String: …]`.
        let members = try decoder.singleValueContainer().decode(JSONObject.self)
        func kept<Value>(_ key: String, _ what: String, _ read: (JSONValue) -> Value?) throws -> Value {
            let path = decoder.codingPath + [EntryKey(key)]
            guard let member = members[key] else {
                throw DecodingError.keyNotFound(
                    EntryKey(key),
                    .init(codingPath: decoder.codingPath, debugDescription: "")
                )
            }
            guard let value = read(member) else {
                throw DecodingError.typeMismatch(Value.self, .init(codingPath: path, debugDescription: "not \(what)"))
            }
            return value
        }
        func time(_ value: JSONValue) -> Timestamp? {
            if case .string(let text) = value { Timestamp(rfc3339: text) } else { nil }
        }
        slug = try kept("slug", "a string") { if case .string(let text) = $0 { text } else { nil } }
        revision = try kept("revision", "a whole number") {
            if case .integer(let number) = $0 { Int(exactly: number) } else { nil }
        }
        createdAt = try kept("created_at", "an RFC 3339 time", time)
        updatedAt = try kept("updated_at", "an RFC 3339 time", time)
        fields = members.filter { !Self.kept.contains($0.key) }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: EntryKey.self)
        for (name, value) in fields { try container.encode(value, forKey: EntryKey(name)) }
        try container.encode(slug, forKey: EntryKey("slug"))
        try container.encode(revision, forKey: EntryKey("revision"))
        try container.encode(createdAt, forKey: EntryKey("created_at"))
        try container.encode(updatedAt, forKey: EntryKey("updated_at"))
    }

    private struct EntryKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension ContentExport {
    /// The problems of the described kinds' sections, each under its pointer
    /// (`/described/<table>/<index>/…`): a section no kind in `kinds` reads, an entry its
    /// kind's rules refuse (as a request body would be), a slug twice, a revision out of range.
    package func describedProblems(kinds: [any DescribedInput.Type]) -> [String] {
        var problems: [String] = []
        let known = Set(kinds.map { $0.table })
        for table in (described ?? [:]).keys.sorted() where !known.contains(table) {
            problems.append("/described/\(table): not a kind this version of Masthead knows")
        }
        func check<Input: DescribedInput>(_: Input.Type) {
            var slugs: Set<String> = []
            for (index, entry) in entries(of: Input.self).enumerated() {
                let pointer = "/described/\(Input.table)/\(index)"
                problems += Input.read(entry, at: pointer).problems
                if !slugs.insert(entry.slug).inserted {
                    problems.append("\(pointer)/slug: '\(entry.slug)' appears twice")
                }
                if !StoredNumbers.revisions.contains(entry.revision) {
                    problems.append("\(pointer)/revision: must be from 1 to \(StoredNumbers.revisions.upperBound)")
                }
            }
        }
        for kind in kinds { check(kind) }
        return problems
    }
}

extension DescribedInput {
    /// Every row of the kind as an export holds it, from the rows `exported` read.
    package static func exportEntries(_ rows: [(StoredIdentity, Self)]) -> [DescribedExport] {
        rows.map { DescribedExport($0.0, $0.1) }
    }

    /// `entry` read with the kind's rules, as the record at `pointer`.
    fileprivate static func read(_ entry: DescribedExport, at pointer: String) -> (Self?, problems: [String]) {
        ContentImport.read(entry.apiDocument, at: pointer, fields: fields) { read(from: &$0, existing: false) }
    }
}

/// An entry of a described kind with its input read: what an import writes, through the
/// slugged kinds' own `insert` (`SluggedExport`).
package struct DescribedEntry<Input: DescribedInput>: SluggedExport {
    package let slug: String
    package let input: Input
    package let revision: Int
    package let createdAt: Timestamp
    package let updatedAt: Timestamp

    package init(_ stored: StoredIdentity, _ input: Input) {
        self.init(slug: stored.slug, input, revision: stored.revision, stored.createdAt, stored.updatedAt)
    }

    /// `entry`'s identity with its input read.
    fileprivate init(_ entry: DescribedExport, _ input: Input) {
        self.init(slug: entry.slug, input, revision: entry.revision, entry.createdAt, entry.updatedAt)
    }

    private init(slug: String, _ input: Input, revision: Int, _ createdAt: Timestamp, _ updatedAt: Timestamp) {
        self.slug = slug
        self.input = input
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension ContentExport {
    /// `Input`'s entries with their inputs read. An import checks them all first
    /// (`describedProblems`), so a refusal here is a defect of ours.
    package func describedEntries<Input: DescribedInput>(of _: Input.Type) throws(ImportFailure)
        -> [DescribedEntry<Input>]
    {
        var read: [DescribedEntry<Input>] = []
        for (index, entry) in entries(of: Input.self).enumerated() {
            let pointer = "/described/\(Input.table)/\(index)"
            let (input, problems) = Input.read(entry, at: pointer)
            guard let input else { throw ImportFailure(problems: problems) }
            read.append(DescribedEntry(entry, input))
        }
        return read
    }
}

/// Where each engine makes the store of a described kind.
package protocol DescribedStores: Sendable {
    func store<Input: DescribedInput>(for: Input.Type) -> any PagedResourceStore<DescribedResource<Input>, Input>
}

/// The described kinds, in the order an export lists and an import loads them.
package enum DescribedKinds {
    package static let all: [any DescribedInput.Type] = []

    /// `SELECT … AS holds`: whether any content table has a row, the built-in kinds' and
    /// `kinds`' alike (an import goes only into an empty publication).
    package static func holdsContentQuery(_ kinds: [any DescribedInput.Type]) -> String {
        let tables = ["articles", "authors", "tags", "platforms", "services"] + kinds.map { $0.table }
        return "SELECT " + tables.map { "EXISTS (SELECT 1 FROM \($0))" }.joined(separator: " OR ") + " AS holds"
    }
}

extension ContentExport {
    /// The entries of `Input`'s section, in the document's order.
    package func entries<Input: DescribedInput>(of _: Input.Type) -> [DescribedExport] {
        described?[Input.stored.table] ?? []
    }
}
