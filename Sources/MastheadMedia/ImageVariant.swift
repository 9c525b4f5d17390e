import CVips
import Foundation

/// A format images are served in.
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, webp, avif

    public var mediaType: String { "image/\(rawValue)" }

    /// Quality 1–100 where the format has one: sharp's and imgproxy's defaults, near enough.
    var quality: Int32 {
        switch self {
        case .jpeg: 82
        case .png: 100
        case .webp: 80
        case .avif: 55
        }
    }

    var code: Int32 {
        switch self {
        case .jpeg: Int32(MASTHEAD_JPEG)
        case .png: Int32(MASTHEAD_PNG)
        case .webp: Int32(MASTHEAD_WEBP)
        case .avif: Int32(MASTHEAD_AVIF)
        }
    }

    /// `auto`'s choice when `accept` (a request's `Accept`) names AVIF or WebP; nil when it
    /// names neither (then `fallback(for:)`).
    public static func preferred(accept: String?) -> ImageFormat? {
        let accepted = MediaRanges(accept ?? "")
        if accepted.accepts("image/avif") { return .avif }
        if accepted.accepts("image/webp") { return .webp }
        return nil
    }

    /// For a client that reads neither AVIF nor WebP: PNG for a source that may be
    /// transparent, JPEG for any other.
    public static func fallback(for sourceMediaType: String) -> ImageFormat {
        ["image/png", "image/gif", "image/webp", "image/avif"].contains(sourceMediaType) ? .png : .jpeg
    }

    /// `auto`'s choice for a request's `Accept` and a source.
    public static func negotiated(accept: String?, sourceMediaType: String) -> ImageFormat {
        preferred(accept: accept) ?? fallback(for: sourceMediaType)
    }

    /// The format of encoded `bytes`, by their signature.
    public init?(sniffing bytes: [UInt8]) {
        switch Format(sniffing: Data(bytes.prefix(64)))?.mediaType {
        case "image/jpeg": self = .jpeg
        case "image/png": self = .png
        case "image/webp": self = .webp
        case "image/avif": self = .avif
        default: return nil
        }
    }
}

/// The media types an `Accept` header names with a quality above 0 (wildcards are not
/// counted: a browser's `*/*` does not say it reads AVIF).
struct MediaRanges {
    private var accepted: Set<String> = []

    init(_ header: String) {
        for range in header.split(separator: ",").prefix(64) {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first, !type.isEmpty else { continue }
            let refused = parts.dropFirst().contains { parameter in
                parameter.hasPrefix("q=") && (Double(parameter.dropFirst(2)) ?? 1) <= 0
            }
            if !refused { accepted.insert(type) }
        }
    }

    func accepts(_ type: String) -> Bool { accepted.contains(type) }
}

/// Which sizes may be asked for without a signature: each a width from `widths` or the
/// image's own size, optionally cut to an aspect ratio from `ratios`. What one asset can be
/// made into is therefore bounded: widths × (ratios × fits + 1) × formats.
public struct VariantPolicy: Sendable, Equatable {
    public var widths: [Int]
    public var ratios: [AspectRatio]

    public static let defaultWidths = [320, 640, 960, 1280, 1920]
    public static let defaultRatios = [
        AspectRatio(1, 1), AspectRatio(4, 3), AspectRatio(3, 2), AspectRatio(16, 9), AspectRatio(3, 4),
    ]

    public init(widths: [Int] = defaultWidths, ratios: [AspectRatio] = defaultRatios) {
        self.widths = widths.sorted()
        self.ratios = ratios
    }
}

public struct AspectRatio: Sendable, Hashable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(_ width: Int, _ height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }
}

/// One way of serving an image, as a URL segment names it: `full` (its own size) or `w640`,
/// then optionally an aspect ratio (`16x9`, cut to cover it around the focal point, named as
/// whole percentages such as `f50x30`; or with `contain`, fitted inside it), then optionally
/// a format (`webp`; otherwise `auto`, chosen from the request's `Accept`). Examples: `w640`,
/// `w960-16x9-f50x50`, `w320-1x1-contain-avif`. A cover crop names its focal point so that
/// moving it makes a new URL: every URL's bytes stay the same for ever.
public struct ImageVariant: Sendable, Hashable, CustomStringConvertible {
    public enum Fit: String, Sendable { case cover, contain }

    /// Nil for the image's own width.
    public let width: Int?
    public let ratio: AspectRatio?
    public let fit: Fit
    /// A cover crop's focal point, in whole percentages from the left and from the top.
    public let focus: Focus?
    /// Nil for `auto`.
    public let format: ImageFormat?

    public struct Focus: Sendable, Hashable, CustomStringConvertible {
        public let x: Int
        public let y: Int

        /// The point rounded to whole percentages.
        public init(x: Double, y: Double) {
            self.x = Int((x * 100).rounded())
            self.y = Int((y * 100).rounded())
        }

        init?(parsing token: String) {
            guard token.hasPrefix("f") else { return nil }
            let parts = token.dropFirst().split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]), (0...100).contains(x),
                (0...100).contains(y), "f\(x)x\(y)" == token
            else { return nil }
            (self.x, self.y) = (x, y)
        }

        public var description: String { "f\(x)x\(y)" }
    }

    public init(
        width: Int?,
        ratio: AspectRatio? = nil,
        fit: Fit = .cover,
        focus: Focus? = nil,
        format: ImageFormat? = nil
    ) {
        self.width = width
        self.ratio = ratio
        self.fit = ratio == nil ? .cover : fit
        self.focus = ratio != nil && fit == .cover ? (focus ?? Focus(x: 0.5, y: 0.5)) : nil
        self.format = format
    }

    /// The segment as `description` writes it, and only such: one name per variant, so that
    /// one variant has one URL (and one cached copy); nil for anything `policy` does not serve.
    public init?(parsing segment: String, policy: VariantPolicy) {
        guard segment.utf8.count <= 40 else { return nil }
        var tokens = segment.split(separator: "-", omittingEmptySubsequences: false).map(String.init)[...]
        guard let size = tokens.popFirst() else { return nil }
        var width: Int?
        if size != "full" {
            guard size.hasPrefix("w"), let number = Int(size.dropFirst()), "w\(number)" == size,
                policy.widths.contains(number)
            else { return nil }
            width = number
        }
        var ratio: AspectRatio?
        var fit = Fit.cover
        var focus: Focus?
        if let next = tokens.first, let found = policy.ratios.first(where: { $0.description == next }) {
            ratio = found
            tokens.removeFirst()
            if tokens.first == Fit.contain.rawValue {
                fit = .contain
                tokens.removeFirst()
            } else {
                guard let named = tokens.popFirst().flatMap(Focus.init(parsing:)) else { return nil }
                focus = named
            }
        }
        var format: ImageFormat?
        if let next = tokens.first {
            guard let named = ImageFormat(rawValue: next) else { return nil }
            format = named
            tokens.removeFirst()
        }
        guard tokens.isEmpty else { return nil }
        self.init(width: width, ratio: ratio, fit: fit, focus: focus, format: format)
    }

    public var description: String {
        var tokens = [width.map { "w\($0)" } ?? "full"]
        if let ratio {
            tokens.append(ratio.description)
            tokens.append(focus?.description ?? fit.rawValue)
        }
        if let format { tokens.append(format.rawValue) }
        return tokens.joined(separator: "-")
    }

    /// The size it comes out at from an upright `sourceWidth` × `sourceHeight` image: never
    /// larger than the source, `full` no wider than `maximumWidth`, and never 0.
    public func outputSize(sourceWidth: Int, sourceHeight: Int, maximumWidth: Int = .max) -> (width: Int, height: Int) {
        let targetWidth = min(width ?? min(sourceWidth, maximumWidth), sourceWidth)
        guard let ratio else {
            let height = Double(sourceHeight) * Double(targetWidth) / Double(sourceWidth)
            return (targetWidth, max(1, Int(height.rounded())))
        }
        let boxHeight = max(1, Int((Double(targetWidth) * Double(ratio.height) / Double(ratio.width)).rounded()))
        switch fit {
        case .cover:
            // Cut from the source at the ratio, no larger than the source.
            let scale = min(1, Double(sourceWidth) / Double(targetWidth), Double(sourceHeight) / Double(boxHeight))
            return (
                max(1, Int((Double(targetWidth) * scale).rounded())), max(1, Int((Double(boxHeight) * scale).rounded()))
            )
        case .contain:
            let scale = min(1, Double(targetWidth) / Double(sourceWidth), Double(boxHeight) / Double(sourceHeight))
            return (
                max(1, Int((Double(sourceWidth) * scale).rounded())),
                max(1, Int((Double(sourceHeight) * scale).rounded()))
            )
        }
    }
}
