/// A resource's optional details: values an editor may give (text, a URL, a flag, a number, a
/// time), stored as given and served as stored, with no rule between them and the rest of the
/// resource (an article's cover image, an author's bio).
///
/// Each kind's `fields` describes its details once: the name (the API's field, the column in
/// both engines, the key in revisions and exports), the rule its input follows, and where it
/// is held. The input rules, both engines' reads and writes, revisions, exports, imports and
/// the responses read that list, so a new detail is a property and a line in its kind's
/// details, its two migrations, and `openapi.yaml`.
public protocol Details: Sendable, Equatable {
    /// No detail given.
    init()
    /// Every detail, in the order the API serves them.
    static var fields: [DetailField<Self>] { get }
}

/// What an input of a detail may hold.
package enum DetailRule: Sendable, Equatable {
    /// An absolute http or https URL, up to 2,048 characters.
    case url
    /// Text that is not blank, up to `maxLength` characters.
    case text(maxLength: Int)
    /// `true` or `false`.
    case flag
    /// A whole number in `range`, which fits in 32 bits (PostgreSQL's `INTEGER`; `DetailsTests`
    /// holds every kind to that).
    case number(in: ClosedRange<Int>)
    /// An RFC 3339 date and time, stored and served in UTC.
    case time

    /// The kind of value the rule admits.
    package var kind: DetailValue.Kind {
        switch self {
        case .url, .text: .text
        case .flag: .flag
        case .number: .number
        case .time: .time
        }
    }
}

/// The value of one detail, as the engines store it and the API serves it.
package enum DetailValue: Sendable, Equatable {
    case text(String)
    case flag(Bool)
    case number(Int64)
    case time(Timestamp)

    /// What a detail holds, and the column its migrations give it: text is `TEXT` on both
    /// engines; a flag `INTEGER CHECK (name IN (0, 1))` on SQLite (its tables are strict) and
    /// `BOOLEAN` on PostgreSQL; a number `INTEGER` (32 bits on PostgreSQL); a time `TEXT` on SQLite (RFC 3339, as
    /// every stored time there) and `TIMESTAMPTZ` on PostgreSQL.
    package enum Kind: Sendable {
        case text, flag, number, time
    }

    /// The value as a request body spells it.
    package var json: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .flag(let flag): .bool(flag)
        case .number(let number): .integer(number)
        case .time(let time): .string(time.rfc3339)
        }
    }
}

/// One detail of `Owner`: made with `.text`, `.url`, `.flag`, `.number` or `.time`, each
/// over a property of the matching optional type.
public struct DetailField<Owner: Details>: Sendable {
    /// The API's name, the column's and the stored documents' key: one of ours, never a
    /// request's text; lowercase words joined by `_` (it is a column name written into SQL
    /// unquoted, and its camel case must turn back into it), unique among the kind's fields
    /// (`DetailsTests` holds every kind to that).
    package let name: String
    package let rule: DetailRule
    fileprivate let get: @Sendable (Owner) -> DetailValue?
    fileprivate let set: @Sendable (inout Owner, DetailValue?) -> Void

    private init<Value>(
        _ name: String,
        _ rule: DetailRule,
        _ property: any WritableKeyPath<Owner, Value?> & Sendable,
        wrap: @escaping @Sendable (Value) -> DetailValue,
        unwrap: @escaping @Sendable (DetailValue) -> Value?
    ) {
        self.name = name
        self.rule = rule
        get = { owner in owner[keyPath: property].map(wrap) }
        set = { owner, value in owner[keyPath: property] = value.flatMap(unwrap) }
    }

    /// Text that is not blank, up to `maxLength` characters.
    package static func text(
        _ name: String,
        maxLength: Int,
        _ property: any WritableKeyPath<Owner, String?> & Sendable
    ) -> Self {
        Self(name, .text(maxLength: maxLength), property, wrap: DetailValue.text, unwrap: \.text)
    }

    /// An absolute http or https URL.
    package static func url(_ name: String, _ property: any WritableKeyPath<Owner, String?> & Sendable) -> Self {
        Self(name, .url, property, wrap: DetailValue.text, unwrap: \.text)
    }

    /// `true` or `false`.
    package static func flag(_ name: String, _ property: any WritableKeyPath<Owner, Bool?> & Sendable) -> Self {
        Self(name, .flag, property, wrap: DetailValue.flag, unwrap: \.flag)
    }

    /// A whole number in `range`.
    package static func number(
        _ name: String,
        in range: ClosedRange<Int>,
        _ property: any WritableKeyPath<Owner, Int?> & Sendable
    ) -> Self {
        Self(name, .number(in: range), property, wrap: { .number(Int64($0)) }, unwrap: { $0.number.map(Int.init) })
    }

    /// A date and time.
    package static func time(_ name: String, _ property: any WritableKeyPath<Owner, Timestamp?> & Sendable) -> Self {
        Self(name, .time, property, wrap: DetailValue.time, unwrap: \.time)
    }
}

extension DetailValue {
    fileprivate var text: String? { if case .text(let text) = self { text } else { nil } }
    fileprivate var flag: Bool? { if case .flag(let flag) = self { flag } else { nil } }
    fileprivate var number: Int64? { if case .number(let number) = self { number } else { nil } }
    fileprivate var time: Timestamp? { if case .time(let time) = self { time } else { nil } }
}

extension Details {
    package subscript(field: DetailField<Self>) -> DetailValue? {
        get { field.get(self) }
        set { field.set(&self, newValue) }
    }

    /// The details read from a stored row: `column` gives each by its column name and kind.
    package init(reading column: (String, DetailValue.Kind) throws -> DetailValue?) rethrows {
        self.init()
        for field in Self.fields {
            self[field] = try column(field.name, field.rule.kind)
        }
    }

    /// Each detail a request or record gave, checked against its rule; problems go to the
    /// reader's errors.
    package static func read(from reader: inout FieldReader) -> Self {
        var details = Self()
        for field in fields {
            let name = field.name
            details[field] =
                switch field.rule {
                case .url: reader.url(name).map(DetailValue.text)
                case .text(let maxLength): reader.string(name, maxLength: maxLength).map(DetailValue.text)
                case .flag: reader.boolean(name).map(DetailValue.flag)
                case .number(let range): reader.integer(name, in: range).map { .number(Int64($0)) }
                case .time: reader.timestamp(name).map(DetailValue.time)
                }
        }
        return details
    }

    /// The details as a request body spells them; those not given are left out.
    package var document: [String: JSONValue] {
        var document: [String: JSONValue] = [:]
        for field in Self.fields {
            if let value = self[field] { document[field.name] = value.json }
        }
        return document
    }

    /// The API's names of the details.
    package static var names: [String] { fields.map(\.name) }
}

// MARK: - In stored JSON documents

/// How the keys of the document the details sit in are spelled: as named (a revision), or in
/// camel case for a coder that converts keys to and from snake case (an export, a record).
package enum DetailKeys: Sendable {
    case asNamed
    case forSnakeCaseConversion

    fileprivate func key(_ name: String) -> DetailKey {
        switch self {
        case .asNamed: DetailKey(name)
        case .forSnakeCaseConversion: DetailKey(Self.camelCased(name))
        }
    }

    /// `cover_image_url` → `coverImageUrl`, which a coder's snake case conversion turns back
    /// into the same name both ways.
    private static func camelCased(_ name: String) -> String {
        let words = name.split(separator: "_")
        let capitalized = words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return words.prefix(1).joined() + capitalized.joined()
    }
}

private struct DetailKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Details {
    /// Reads the details from the object `decoder` is at, beside the fields of the value that
    /// holds them; a detail absent or null is nil.
    package init(from decoder: any Decoder, keys: DetailKeys) throws {
        self.init()
        let container = try decoder.container(keyedBy: DetailKey.self)
        for field in Self.fields {
            let key = keys.key(field.name)
            self[field] =
                switch field.rule.kind {
                case .text: try container.decodeIfPresent(String.self, forKey: key).map(DetailValue.text)
                case .flag: try container.decodeIfPresent(Bool.self, forKey: key).map(DetailValue.flag)
                case .number: try container.decodeIfPresent(Int64.self, forKey: key).map(DetailValue.number)
                case .time: try container.decodeIfPresent(Timestamp.self, forKey: key).map(DetailValue.time)
                }
        }
    }

    /// Writes the details into the object `encoder` is at, a nil one as a JSON document
    /// leaves it: out (GRDB's record encoder writes it as NULL, as a row must).
    package func encode(to encoder: any Encoder, keys: DetailKeys) throws {
        var container = encoder.container(keyedBy: DetailKey.self)
        for field in Self.fields {
            // `encodeIfPresent` of a nil of the column's type, for GRDB's sake.
            let (key, value) = (keys.key(field.name), self[field])
            switch field.rule.kind {
            case .text: try container.encodeIfPresent(value?.text, forKey: key)
            case .flag: try container.encodeIfPresent(value?.flag, forKey: key)
            case .number: try container.encodeIfPresent(value?.number, forKey: key)
            case .time: try container.encodeIfPresent(value?.time, forKey: key)
            }
        }
    }
}
