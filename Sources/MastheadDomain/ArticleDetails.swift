/// An article's optional details: text an editor may give, stored as given and served as
/// stored, with no rule between them and the rest of the article (the cover image, the
/// title and description for search engines, the canonical address).
///
/// `fields` describes each one once: its name (the API's field, the column in both engines,
/// the key in revisions and exports), the rule its input follows, and where it is held.
/// The input rules, both engines' reads and writes, revisions, exports, imports and the
/// response all read that list, so a new detail is a property and a line here, its two
/// migrations, and `openapi.yaml`.
public struct ArticleDetails: Sendable, Equatable {
    public var coverImageURL: String?
    public var coverImageAlt: String?
    public var seoTitle: String?
    public var seoDescription: String?
    public var canonicalURL: String?

    /// Every detail, in the order the API serves them.
    package static let fields: [Field] = [
        Field("cover_image_url", .url, \.coverImageURL),
        Field("cover_image_alt", .text(maxLength: 300), \.coverImageAlt),
        Field("seo_title", .text(maxLength: 200), \.seoTitle),
        Field("seo_description", .text(maxLength: 500), \.seoDescription),
        Field("canonical_url", .url, \.canonicalURL),
    ]

    package init(
        coverImageURL: String? = nil,
        coverImageAlt: String? = nil,
        seoTitle: String? = nil,
        seoDescription: String? = nil,
        canonicalURL: String? = nil
    ) {
        self.coverImageURL = coverImageURL
        self.coverImageAlt = coverImageAlt
        self.seoTitle = seoTitle
        self.seoDescription = seoDescription
        self.canonicalURL = canonicalURL
    }

    /// One detail.
    package struct Field: Sendable {
        /// What an input of it may hold.
        package enum Rule: Sendable {
            /// An absolute http or https URL.
            case url
            /// Text that is not blank, up to `maxLength` characters.
            case text(maxLength: Int)
        }

        /// The API's name, the column's and the stored documents' key: snake case, one of
        /// ours, never a request's text.
        package let name: String
        package let rule: Rule
        package let value: any WritableKeyPath<ArticleDetails, String?> & Sendable

        package init(_ name: String, _ rule: Rule, _ value: any WritableKeyPath<ArticleDetails, String?> & Sendable) {
            self.name = name
            self.rule = rule
            self.value = value
        }
    }

    package subscript(field: Field) -> String? {
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
    package static func read(from reader: inout FieldReader) -> ArticleDetails {
        var details = ArticleDetails()
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
}

// MARK: - In stored JSON documents

extension ArticleDetails {
    /// How the keys of the document the details sit in are spelled: as named (a revision),
    /// or in camel case for a coder that converts keys to and from snake case (an export).
    package enum Keys: Sendable {
        case asNamed
        case forSnakeCaseConversion

        fileprivate func key(_ field: Field) -> FieldKey {
            switch self {
            case .asNamed: FieldKey(field.name)
            case .forSnakeCaseConversion: FieldKey(Self.camelCased(field.name))
            }
        }

        /// `cover_image_url` → `coverImageUrl`, which a coder's snake case conversion turns
        /// back into the same name both ways.
        private static func camelCased(_ name: String) -> String {
            let words = name.split(separator: "_")
            let capitalized = words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }
            return words.prefix(1).joined() + capitalized.joined()
        }
    }

    fileprivate struct FieldKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads the details from the object `decoder` is at, beside the fields of the value
    /// that holds them; a detail absent or null is nil.
    package init(from decoder: any Decoder, keys: Keys) throws {
        self.init()
        let container = try decoder.container(keyedBy: FieldKey.self)
        for field in Self.fields {
            self[field] = try container.decodeIfPresent(String.self, forKey: keys.key(field))
        }
    }

    /// Writes the details into the object `encoder` is at. A nil detail is left out of a
    /// document, and written as a null where every key must be (a table row).
    package func encode(to encoder: any Encoder, keys: Keys, writingNulls: Bool = false) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        for field in Self.fields {
            if writingNulls {
                try container.encode(self[field], forKey: keys.key(field))
            } else {
                try container.encodeIfPresent(self[field], forKey: keys.key(field))
            }
        }
    }
}
