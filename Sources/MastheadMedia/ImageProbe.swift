import CVips
import Foundation

/// What an uploaded file is, read from its header by libvips: the pixels are not decoded, so
/// a file that claims to be enormous costs no more than one that does not.
public struct ProbedImage: Sendable, Equatable {
    /// Sniffed from the bytes, never taken from a request or a name: `image/jpeg`,
    /// `image/png`, `image/webp`, `image/gif`, `image/avif` or `image/heic`.
    public let mediaType: String
    /// As the loader reads it: as stored for JPEG, PNG, WebP and GIF (`orientation` then
    /// says how to turn it); HEIF's reader has turned it already, and says 1.
    public let width: Int
    public let height: Int
    /// The EXIF orientation, 1 (as stored) to 8.
    public let orientation: Int
    /// The libvips operation that reads it.
    package let loader: String

    package init(mediaType: String, width: Int, height: Int, orientation: Int, loader: String) {
        self.mediaType = mediaType
        self.width = width
        self.height = height
        self.orientation = orientation
        self.loader = loader
    }

    /// Whether a reader sees it turned a quarter (orientations 5 to 8 swap width and height).
    public var isTurned: Bool { (5...8).contains(orientation) }

    /// Its size as a reader sees it, upright.
    public var uprightWidth: Int { isTurned ? height : width }
    public var uprightHeight: Int { isTurned ? width : height }
}

/// Why a file is refused as an image.
public enum ImageRefusal: Error, Equatable, Sendable {
    /// No image format Masthead takes (JPEG, PNG, WebP, GIF, AVIF, HEIC), judged by its first
    /// bytes; or one that its format's loader cannot read.
    case notAnImage
    /// More pixels than `limit`: refused before any of them is decoded.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// More compressed metadata than a picture carries (PNG text and colour profiles that
    /// would be inflated to read the header): refused before any is.
    case tooMuchMetadata
    /// libvips did not start in this process.
    case unavailable
}

/// Reads what a file is with libvips (Debian's `libvips-dev`, 8.13 or later, through
/// `CVips`): the format from the file's first bytes, here, then its header with that
/// format's loader alone; images over a pixel limit are refused from the header.
///
/// It blocks on the file; the server is to run it on a bounded pool of threads.
public enum ImageProbe {
    /// The default limit: 50 megapixels, a large camera's photo.
    public static let defaultPixelLimit = 50_000_000

    /// Reads the header of the file at `path`, which the caller wrote and no one changes
    /// while it is read.
    public static func probe(fileAt path: String, pixelLimit: Int = defaultPixelLimit) throws(ImageRefusal)
        -> ProbedImage
    {
        guard Self.isStarted else { throw .unavailable }
        guard let file = FileHandle(forReadingAtPath: path) else { throw .notAnImage }
        defer { try? file.close() }
        guard let format = Format(sniffing: (try? file.read(upToCount: 64)) ?? Data()) else { throw .notAnImage }
        if format.loader == "pngload" { try PNGChunks.check(file) }
        guard let image = masthead_vips_open(format.loader, path) else { throw .notAnImage }
        defer { masthead_vips_release(image) }
        let width = Int(vips_image_get_width(image))
        let height = Int(vips_image_get_height(image))
        guard width > 0, height > 0 else { throw .notAnImage }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= pixelLimit else {
            throw .tooManyPixels(width: width, height: height, limit: pixelLimit)
        }
        return ProbedImage(
            mediaType: format.mediaType,
            width: width,
            height: height,
            orientation: Int(vips_image_get_orientation(image)),
            loader: format.loader
        )
    }

    /// libvips started once per process (`masthead_vips_start`: no operation cache, only
    /// Masthead's loaders, nothing untrusted).
    package static let isStarted: Bool = masthead_vips_start() == 0
}

/// A format Masthead takes, known by its signature.
struct Format: Equatable {
    let mediaType: String
    /// The libvips operation that reads it.
    let loader: String

    init?(sniffing bytes: Data) {
        let head = [UInt8](bytes.prefix(64))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts([0xff, 0xd8, 0xff]) {
            (mediaType, loader) = ("image/jpeg", "jpegload")
        } else if starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) {
            (mediaType, loader) = ("image/png", "pngload")
        } else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) {
            (mediaType, loader) = ("image/webp", "webpload")
        } else if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) {
            (mediaType, loader) = ("image/gif", "gifload")
        } else if starts(Array("ftyp".utf8), at: 4), let brands = Self.brands(head) {
            // ISO base media: the major brand, then the compatible ones, four bytes each.
            if brands.contains(where: { $0 == "avif" || $0 == "avis" }) {
                (mediaType, loader) = ("image/avif", "heifload")
            } else if brands.contains(where: { ["heic", "heix", "heim", "heis", "mif1", "msf1"].contains($0) }) {
                (mediaType, loader) = ("image/heic", "heifload")
            } else {
                return nil
            }
        } else {
            return nil
        }
    }

    /// The brands of an `ftyp` box at the start: the major one and the compatible ones
    /// (the minor version between them skipped), as far as the bytes read reach.
    private static func brands(_ head: [UInt8]) -> [String]? {
        guard head.count >= 16 else { return nil }
        let size = Int(head[0]) << 24 | Int(head[1]) << 16 | Int(head[2]) << 8 | Int(head[3])
        guard size >= 16 else { return nil }
        let end = min(size, head.count)
        var brands = [String(decoding: head[8..<12], as: UTF8.self)]
        var offset = 16
        while offset + 4 <= end {
            brands.append(String(decoding: head[offset..<offset + 4], as: UTF8.self))
            offset += 4
        }
        return brands
    }
}

/// PNG's chunks before its image data, walked by their lengths: libpng inflates text and
/// colour-profile chunks while it reads the header (libvips allows 100 of up to 50 MB each),
/// so a small file could make a header cost gigabytes. A picture needs few and small ones.
enum PNGChunks {
    static let maximumCompressed = 8
    static let maximumCompressedLength = 1 << 20

    static func check(_ file: FileHandle) throws(ImageRefusal) {
        var offset: UInt64 = 8
        var compressed = 0
        // Bounded: at most a thousand chunks are looked at before the image data.
        for _ in 0..<1000 {
            guard (try? file.seek(toOffset: offset)) != nil,
                let header = try? file.read(upToCount: 8), header.count == 8
            else { return }  // the loader judges a short file
            let bytes = [UInt8](header)
            let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
            let type = String(decoding: bytes[4..<8], as: UTF8.self)
            if type == "IDAT" || type == "IEND" { return }
            if ["zTXt", "iTXt", "iCCP"].contains(type) {
                compressed += 1
                guard compressed <= maximumCompressed, length <= maximumCompressedLength else { throw .tooMuchMetadata }
            }
            offset += 12 + UInt64(length)
        }
        throw .tooMuchMetadata
    }
}
