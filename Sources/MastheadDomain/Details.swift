/// A resource's optional details: text an editor may give, stored as given and served as
/// stored, with no rule between them and the rest of the resource (an article's cover image,
/// an author's bio).
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
package enum DetailRule: Sendable {
    /// An absolute http or https URL, up to 2,048 characters.
    case url
    /// Text that is not blank, up to `maxLength` characters.
    case text(maxLength: Int)
}

/// One detail of `Owner`.
public struct DetailField<Owner: Details>: Sendable {
    /// The API's name, the column's and the stored documents' key: one of ours, never a
    /// request's text; lowercase words joined by `_` (it is a column name written into SQL
    /// unquoted, and its camel case must turn back into it), unique among the kind's fields
    /// (`DetailsTests` holds every kind to that).
    package let name: String
    package let rule: DetailRule
    package let value: any WritableKeyPath<Owner, String?> & Sendable

    package init(_ name: String, _ rule: DetailRule, _ value: any WritableKeyPath<Owner, String?> & Sendable) {
        self.name = name
        self.rule = rule
        self.value = value
    }
}

extension Details {
    package subscript(field: DetailField<Self>) -> String? {
        get { self[keyPath: field.value] }
        set { self[keyPath: field.value] = newValue }
    }

    /// The details read from a stored row, each by its column name.
    package init(reading column: (String) throws -> String?) rethrows {
        self.init()
        for field in Self.fields {
            self[field] = try column(field.name)
        }
    }

    /// Each detail a request or record gave, checked against its rule; problems go to the
    /// reader's errors.
    package static func read(from reader: inout FieldReader) -> Self {
        var details = Self()
        for field in fields {
            switch field.rule {
            case .url: details[field] = reader.url(field.name)
            case .text(let maxLength): details[field] = reader.string(field.name, maxLength: maxLength)
            }
        }
        return details
    }

    /// The details as a request body spells them; those not given are left out.
    package var document: [String: JSONValue] {
        var document: [String: JSONValue] = [:]
        for field in Self.fields {
            if let value = self[field] { document[field.name] = .string(value) }
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
            self[field] = try container.decodeIfPresent(String.self, forKey: keys.key(field.name))
        }
    }

    /// Writes the details into the object `encoder` is at, a nil one as a JSON document
    /// leaves it: out (GRDB's record encoder writes it as NULL, as a row must).
    package func encode(to encoder: any Encoder, keys: DetailKeys) throws {
        var container = encoder.container(keyedBy: DetailKey.self)
        for field in Self.fields {
            try container.encodeIfPresent(self[field], forKey: keys.key(field.name))
        }
    }
}
