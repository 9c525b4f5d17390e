import Foundation

/// One problem with one field of a request body; `pointer` is an RFC 6901 JSON pointer.
public struct FieldError: Sendable, Equatable {
    public let pointer: String
    public let code: String
    public let detail: String

    public init(pointer: String, code: String, detail: String) {
        self.pointer = pointer
        self.code = code
        self.detail = detail
    }
}

/// A body that parsed but broke rules: every problem, reported together with a 422.
public struct ValidationFailure: Error, Sendable {
    public let errors: [FieldError]

    package init(errors: [FieldError]) {
        self.errors = errors
    }
}

/// Reads a JSON object's fields into domain values, collecting every problem instead of
/// stopping at the first. Fields outside `writable` are refused: server-owned ones as
/// `read_only`, anything else as `unknown_field`, so nothing is ever silently ignored.
package struct FieldReader {
    private let object: JSONObject
    package private(set) var errors: [FieldError] = []

    /// Fields the server computes and every resource refuses.
    package static let serverOwned: Set<String> = [
        "id", "views", "created_at", "updated_at", "reading_time_minutes", "word_count", "body_html", "body_plaintext",
        "article_count", "primary_tag",
    ]

    package init(_ object: JSONObject, writable: Set<String>) {
        self.object = object
        for key in object.keys.sorted() where !writable.contains(key) {
            if Self.serverOwned.contains(key) {
                add(key, "read_only", "\(key) is set by the server and cannot be written")
            } else {
                add(key, "unknown_field", "\(TextRules.printable(key)) is not a field of this resource")
            }
        }
    }

    package mutating func add(_ errors: [FieldError]) {
        self.errors += errors
    }

    package mutating func add(_ key: String, _ code: String, _ detail: String) {
        errors.append(FieldError(pointer: Self.pointer(key), code: code, detail: detail))
    }

    /// Throws the collected problems, if any.
    package func finish() throws {
        if !errors.isEmpty { throw ValidationFailure(errors: errors) }
    }

    /// A string of 1...`maxLength` characters that is not blank; nil when absent or null
    /// (an error if `required`). Lengths count Unicode code points, as JSON Schema's
    /// `maxLength` does, so `openapi.yaml` states the limits exactly.
    package mutating func string(_ key: String, required: Bool = false, maxLength: Int) -> String? {
        switch object[key] {
        case nil, .null?:
            if required { add(key, "required", "\(key) is required") }
            return nil
        case .string(let text)?:
            if TextRules.isBlank(text) {
                add(key, required ? "required" : "too_short", "\(key) must not be blank")
                return nil
            }
            if text.unicodeScalars.count > maxLength {
                add(key, "too_long", "\(key) must be at most \(maxLength) characters")
                return nil
            }
            return text
        case let value?:
            add(key, "invalid_type", "\(key) must be a string, not \(value.typeName)")
            return nil
        }
    }

    /// A string that may be empty (a body, say), at most `maxLength` code points.
    package mutating func text(_ key: String, required: Bool, maxLength: Int) -> String? {
        switch object[key] {
        case nil, .null?:
            if required { add(key, "required", "\(key) is required") }
            return nil
        case .string(let text)?:
            guard text.unicodeScalars.count <= maxLength else {
                add(key, "too_long", "\(key) must be at most \(maxLength) characters")
                return nil
            }
            return text
        case let value?:
            add(key, "invalid_type", "\(key) must be a string, not \(value.typeName)")
            return nil
        }
    }

    package mutating func slug(_ key: String, required: Bool = false) -> Slug? {
        guard let text = string(key, required: required, maxLength: Slug.maximumLength + 1) else { return nil }
        guard let slug = Slug(parsing: text) else {
            add(key, "invalid_slug", "\(key) must be lowercase letters and digits joined by single hyphens, at most 96")
            return nil
        }
        return slug
    }

    /// An absolute http or https URL, as `TextRules.isWebURL` defines it.
    package mutating func url(_ key: String) -> String? {
        guard let text = string(key, maxLength: 2048) else { return nil }
        guard TextRules.isWebURL(text) else {
            add(key, "invalid_url", "\(key) must be an absolute http or https URL")
            return nil
        }
        return text
    }

    package mutating func boolean(_ key: String) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let value?:
            add(key, "invalid_type", "\(key) must be true or false, not \(value.typeName)")
            return nil
        }
    }

    package mutating func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .integer(let value)?:
            guard let value = Int(exactly: value), range.contains(value) else {
                add(key, "out_of_range", "\(key) must be from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return value
        case let value?:
            add(key, "invalid_type", "\(key) must be a whole number, not \(value.typeName)")
            return nil
        }
    }

    /// A full RFC 3339 date-time (a bare date is refused: a body names an instant) that
    /// falls within years 0001–9999 once converted to UTC.
    package mutating func timestamp(_ key: String) -> Timestamp? {
        guard let text = string(key, maxLength: 64) else { return nil }
        switch TextRules.hasTimeOfDay(text) ? Timestamp.parse(rfc3339: text) : .malformed {
        case .instant(let time):
            return time
        case .outOfRange:
            add(key, "out_of_range", "\(key) must fall within years 0001 to 9999 in UTC")
        case .malformed:
            add(key, "invalid_date", "\(key) must be an RFC 3339 date-time such as 2026-11-28T09:30:00Z")
        }
        return nil
    }

    /// An array of 1...`maxCount` distinct strings, each 1...`maxLength` characters; nil
    /// when absent or null (an error if `required`).
    package mutating func strings(_ key: String, required: Bool = false, maxCount: Int, maxLength: Int) -> [String]? {
        switch object[key] {
        case nil, .null?:
            if required { add(key, "required", "\(key) is required") }
            return nil
        case .array(let items)?:
            guard (1...maxCount).contains(items.count) else {
                add(key, "invalid_length", "\(key) must list 1 to \(maxCount) items")
                return nil
            }
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                let pointer = Self.pointer(key, index: index)
                guard case .string(let text) = item, (1...maxLength).contains(text.unicodeScalars.count) else {
                    errors.append(
                        FieldError(pointer: pointer, code: "invalid_type", detail: "\(key) must list short strings")
                    )
                    continue
                }
                if strings.contains(text) {
                    errors.append(FieldError(pointer: pointer, code: "duplicate", detail: "\(text) is listed twice"))
                    continue
                }
                strings.append(text)
            }
            return strings
        case let value?:
            add(key, "invalid_type", "\(key) must be an array of strings, not \(value.typeName)")
            return nil
        }
    }

    /// An array of distinct slugs, at most `maxCount`; absent or null is empty.
    package mutating func slugs(_ key: String, maxCount: Int) -> [Slug] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let items)?:
            if items.count > maxCount {
                add(key, "too_many", "\(key) may list at most \(maxCount)")
                return []
            }
            var slugs: [Slug] = []
            for (index, item) in items.enumerated() {
                let pointer = Self.pointer(key, index: index)
                guard case .string(let text) = item, let slug = Slug(parsing: text) else {
                    errors.append(FieldError(pointer: pointer, code: "invalid_slug", detail: "\(key) must list slugs"))
                    continue
                }
                if slugs.contains(slug) {
                    errors.append(FieldError(pointer: pointer, code: "duplicate", detail: "\(text) is listed twice"))
                    continue
                }
                slugs.append(slug)
            }
            return slugs
        case let value?:
            add(key, "invalid_type", "\(key) must be an array of slugs, not \(value.typeName)")
            return []
        }
    }

    /// `/key` or `/key/index`, the key escaped as RFC 6901 says.
    package static func pointer(_ key: String, index: Int? = nil) -> String {
        let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        return "/" + escaped + (index.map { "/\($0)" } ?? "")
    }
}

/// Rules on text shared by request bodies and `openapi.yaml`, which states each of them as
/// a pattern with the same meaning.
package enum TextRules {
    /// `text` with each U+0000 replaced by U+FFFD, as HTML's parsers do: PostgreSQL's text
    /// cannot hold U+0000 (a write with one failed there with a 500), and both engines must
    /// keep the same text. Every JSON string and query value is read through this.
    package static func withoutNUL(_ text: String) -> String {
        text.unicodeScalars.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }

    /// A value quoted back to the client, shortened so an error never echoes a whole payload.
    package static func printable(_ text: String) -> String {
        text.count <= 40 ? text : text.prefix(40) + "…"
    }

    /// What counts as blank: the characters that Python's and ECMAScript's `\s` match
    /// (the spec's `NonBlank` pattern lists them), so client-side validation agrees.
    private static let blankScalars: Set<Unicode.Scalar> = {
        var scalars: Set<Unicode.Scalar> = ["\t", "\n", "\u{0B}", "\u{0C}", "\r", " ", "\u{85}", "\u{A0}", "\u{1680}"]
        scalars.formUnion((0x1C...0x1F).compactMap(Unicode.Scalar.init))
        scalars.formUnion((0x2000...0x200A).compactMap(Unicode.Scalar.init))
        scalars.formUnion(["\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}"])
        return scalars
    }()

    package static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(blankScalars.contains)
    }

    /// `http` or `https`, a host of letters, digits, dots and hyphens, an optional port,
    /// then printable ASCII without spaces: the spec's `WebURL` pattern.
    package static func isWebURL(_ text: String) -> Bool {
        text.wholeMatch(of: #/https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?([/?#][!-~]*)?/#) != nil
    }

    /// Whether an RFC 3339 text goes on past its date (`2026-11-28T…`).
    package static func hasTimeOfDay(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(11))
        return bytes.count == 11 && (bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"))
    }
}
