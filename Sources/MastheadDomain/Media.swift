import Crypto
import Foundation

/// An uploaded file: described by its row, addressed by `id` in the API and by `hash` (the
/// SHA-256 of its bytes) in image URLs, so that the same bytes are one asset.
public struct MediaAsset: Sendable, Equatable {
    public let id: Int64
    /// Lower-case hex SHA-256 of the bytes.
    public let hash: String
    /// Sniffed from the bytes at upload (`ImageProbe`), never taken from the request.
    public let mediaType: String
    public let byteSize: Int64
    /// For images; nil for any other file.
    public let width: Int?
    public let height: Int?
    /// An image's average colour, `#rrggbb`: what a page shows while it loads.
    public let placeholder: String?
    public let details: MediaDetails
    /// The name of the token that uploaded it.
    public let uploadedBy: String?
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    package init(
        id: Int64,
        hash: String,
        mediaType: String,
        byteSize: Int64,
        width: Int?,
        height: Int?,
        placeholder: String?,
        details: MediaDetails,
        uploadedBy: String?,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.id = id
        self.hash = hash
        self.mediaType = mediaType
        self.byteSize = byteSize
        self.width = width
        self.height = height
        self.placeholder = placeholder
        self.details = details
        self.uploadedBy = uploadedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var filename: String { details.filename }
    public var isImage: Bool { width != nil && height != nil }
}

/// What an editor writes about an asset: everything but its bytes.
public struct MediaDetails: Sendable, Equatable {
    public var filename: String
    public var alt: String?
    public var caption: String?
    public var credit: String?
    public var focalPoint: FocalPoint

    public init(
        filename: String,
        alt: String? = nil,
        caption: String? = nil,
        credit: String? = nil,
        focalPoint: FocalPoint = .centre
    ) {
        self.filename = filename
        self.alt = alt
        self.caption = caption
        self.credit = credit
        self.focalPoint = focalPoint
    }

    /// The fields a body may write.
    package static let fields: Set<String> = ["filename", "alt", "caption", "credit", "focal_point"]

    /// These details with the fields `reader`'s body names (a JSON merge patch: an absent
    /// field is kept, `null` clears it, and a cleared focal point is the centre again).
    package func patched(by reader: inout FieldReader, body: JSONObject) -> MediaDetails {
        var patched = self
        if body["filename"] != nil {
            if let text = reader.string("filename", required: true, maxLength: 255) {
                if let name = MediaFilename(text) {
                    patched.filename = name.text
                } else {
                    reader.add("filename", "invalid_value", "filename must not contain / \\ or control characters")
                }
            }
        }
        if body["alt"] != nil { patched.alt = reader.string("alt", maxLength: 1_000) }
        if body["caption"] != nil { patched.caption = reader.string("caption", maxLength: 2_000) }
        if body["credit"] != nil { patched.credit = reader.string("credit", maxLength: 500) }
        switch body["focal_point"] {
        case nil: break
        case .null?: patched.focalPoint = .centre
        case .object(let point)?:
            if let focal = FocalPoint(json: point) {
                patched.focalPoint = focal
            } else {
                reader.add(
                    "focal_point",
                    "invalid_value",
                    "focal_point must be an object with x and y, each a number from 0 to 1, and nothing else"
                )
            }
        case let value?:
            reader.add("focal_point", "invalid_type", "focal_point must be an object, not \(value.typeName)")
        }
        return patched
    }
}

/// Where a cover crop keeps its centre: `x` from the left edge and `y` from the top, each 0…1.
public struct FocalPoint: Sendable, Equatable {
    public let x: Double
    public let y: Double

    public static let centre = FocalPoint(checkedX: 0.5, y: 0.5)

    private init(checkedX x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Nil unless both are finite numbers in 0…1.
    public init?(x: Double, y: Double) {
        guard (0...1).contains(x), (0...1).contains(y) else { return nil }
        self.init(checkedX: x, y: y)
    }

    package init?(json: JSONObject) {
        guard Set(json.keys) == ["x", "y"], let x = json["x"]?.number, let y = json["y"]?.number else { return nil }
        self.init(x: x, y: y)
    }
}

extension JSONValue {
    /// An integer or a number, as a `Double`.
    package var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
}

/// An upload's file name as it is kept and shown: as given, not blank, at most 255
/// characters, without `/`, `\` or control characters (`openapi.yaml`'s `MediaFilename`).
/// It is never a path: files are stored by their content's hash.
public struct MediaFilename: Sendable, Equatable {
    public let text: String

    public init?(_ text: String) {
        guard !TextRules.isBlank(text), text.unicodeScalars.count <= 255,
            !text.unicodeScalars.contains(where: {
                $0 == "/" || $0 == "\\" || $0.properties.generalCategory == .control
            })
        else { return nil }
        self.text = text
    }

    /// The name as one URL path segment: letters, digits, `.`, `-` and `_`, anything else as
    /// `-`; `file` when nothing is left. A variant's URL ends with it for people and for
    /// downloads, and never depends on it.
    public var pathSegment: String {
        var segment = ""
        var lastWasDash = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII,
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_"
            {
                segment.unicodeScalars.append(scalar)
                lastWasDash = false
            } else if !lastWasDash {
                segment += "-"
                lastWasDash = true
            }
        }
        let trimmed = segment.trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return trimmed.isEmpty ? "file" : String(trimmed.prefix(100))
    }
}

/// Which assets a list shows: of one media type or family (`image`), and matching a text in
/// the file name, alt text or caption.
public struct MediaQuery: Sendable, Equatable {
    /// `image/png`, or a family such as `image` for every `image/…`.
    public var type: String?
    public var text: String?

    public init(type: String? = nil, text: String? = nil) {
        self.type = type
        self.text = text
    }

    /// `type` as a SQL `LIKE` pattern (with `\` escaping): the exact type, or the family's.
    package var typePattern: String? {
        type.map { Self.escapedForLike($0) + ($0.contains("/") ? "" : "/%") }
    }

    /// `text` as a SQL `LIKE` pattern that matches it anywhere, its own `%`, `_` and `\`
    /// escaped with `\`.
    package var textPattern: String? { text.map { "%" + Self.escapedForLike($0) + "%" } }

    package static func escapedForLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

/// A file as it arrives, written to a temporary file by the server while its digest and
/// length are computed, before anything is stored.
public struct MediaUpload: Sendable {
    /// The temporary file holding the bytes.
    public let path: String
    public let hash: String
    public let byteSize: Int64
    public let mediaType: String
    public let width: Int?
    public let height: Int?
    public let placeholder: String?
    public let details: MediaDetails
    public let uploadedBy: String?

    package init(
        path: String,
        hash: String,
        byteSize: Int64,
        mediaType: String,
        width: Int?,
        height: Int?,
        placeholder: String?,
        details: MediaDetails,
        uploadedBy: String?
    ) {
        self.placeholder = placeholder
        self.path = path
        self.hash = hash
        self.byteSize = byteSize
        self.mediaType = mediaType
        self.width = width
        self.height = height
        self.details = details
        self.uploadedBy = uploadedBy
    }
}

/// SHA-256 of a stream of parts, as lower-case hex.
package struct ContentDigest {
    private var hasher = SHA256()

    package init() {}

    package mutating func update<Bytes: DataProtocol>(_ bytes: Bytes) { hasher.update(data: bytes) }

    package consuming func hex() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Sixty-four lower-case hex digits, as `hex()` writes them.
    package static func isHex(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// Content's references to media: an article's `feature_image`, an author's `avatar`.
public enum MediaReference {
    /// The ids a reference may hold: stored as a 32-bit integer on PostgreSQL.
    public static let ids = 1...Int(Int32.max)

    /// A field that holds a reference: the kind that has it, its table and column.
    public struct Field: Sendable {
        public let kind: ResourceKind
        package let table: String
        package let column: String

        public static let featureImage = Field(kind: .article, table: "articles", column: "feature_image")
        public static let avatar = Field(kind: .author, table: "authors", column: "avatar")
    }

    /// Every field that holds a reference: what a deletion checks.
    package static let fields: [Field] = [.featureImage, .avatar]
}
