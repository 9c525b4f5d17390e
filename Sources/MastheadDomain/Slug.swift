import Foundation

/// A URL-safe identifier: lowercase ASCII letters and digits in runs joined by single
/// hyphens (`^[a-z0-9]+(?:-[a-z0-9]+)*$`), at most 96 characters.
public struct Slug: Sendable, Hashable, CustomStringConvertible, Codable {
    public static let maximumLength = 96

    public let value: String

    /// Accepts `text` only if it is already a valid slug.
    public init?(parsing text: some StringProtocol) {
        guard Self.isValid(text.utf8) else { return nil }
        self.value = String(text)
    }

    /// Makes a slug from a title: letters folded to ASCII ("Café Déjà Vu" → `cafe-deja-vu`),
    /// everything else turned into single hyphens, cut at a hyphen to fit. Nil when the title
    /// has no letter or digit at all.
    public init?(derivingFrom title: String) {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var result = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            let isAlphanumeric = scalar.isASCII && (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar))
            if isAlphanumeric {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                result.unicodeScalars.append(scalar)
                pendingHyphen = false
            } else if let replacement = Self.asciiReplacements[scalar] {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                result += replacement
                pendingHyphen = false
            } else {
                pendingHyphen = true
            }
        }
        if result.utf8.count > Self.maximumLength {
            let cut = result.prefix(Self.maximumLength)
            result = String(cut.split(separator: "-").dropLast().joined(separator: "-"))
            if result.isEmpty { result = String(cut) }
        }
        guard Self.isValid(result.utf8) else { return nil }
        self.value = result
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let slug = Slug(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a slug"))
        }
        self = slug
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Letters that diacritic folding leaves alone but that have a usual ASCII spelling.
    private static let asciiReplacements: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "&": "and",
    ]

    private static func isValid(_ utf8: some Collection<UInt8>) -> Bool {
        guard !utf8.isEmpty, utf8.count <= maximumLength else { return false }
        var previousWasHyphen = true  // so that a leading hyphen is refused
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                previousWasHyphen = false
            case UInt8(ascii: "-"):
                if previousWasHyphen { return false }
                previousWasHyphen = true
            default:
                return false
            }
        }
        return !previousWasHyphen
    }
}
