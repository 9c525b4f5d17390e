import CVips

/// What an uploaded file is, read from its header by libvips: the pixels are not decoded, so
/// a file that claims to be enormous costs no more than one that does not.
public struct ProbedImage: Sendable, Equatable {
    /// Sniffed from the bytes, never taken from a request: `image/jpeg`, `image/png`,
    /// `image/webp`, `image/avif`, `image/gif`.
    public let mediaType: String
    /// As stored, before the orientation is applied.
    public let width: Int
    public let height: Int
    /// The EXIF orientation, 1 (as stored) to 8.
    public let orientation: Int

    package init(mediaType: String, width: Int, height: Int, orientation: Int) {
        self.mediaType = mediaType
        self.width = width
        self.height = height
        self.orientation = orientation
    }

    /// Whether a reader sees it turned a quarter (orientations 5 to 8 swap width and height).
    public var isTurned: Bool { (5...8).contains(orientation) }
}

/// Why a file is refused as an image.
public enum ImageRefusal: Error, Equatable, Sendable {
    /// No image format Masthead takes: any other file, including those libvips could read
    /// but that are no picture (CSV, matrices, its own format) or that it would hand to
    /// other libraries (PDF, SVG, ImageMagick's formats).
    case notAnImage
    /// More pixels than `limit`: refused before any of them is decoded.
    case tooManyPixels(width: Int, height: Int, limit: Int)
}

/// Reads what a file is with libvips (Debian's `libvips-dev`, through `CVips`), refusing
/// anything but the image formats a page can show, and images over a pixel limit.
public enum ImageProbe {
    /// The loaders Masthead lets libvips run, by the class names `vips_foreign_find_load`
    /// answers, and the media type each means. libvips picks a loader from a file's first
    /// bytes; any other is refused before it runs.
    static let loaders: [String: String] = [
        "VipsForeignLoadJpegFile": "image/jpeg",
        "VipsForeignLoadPngFile": "image/png",
        "VipsForeignLoadWebpFile": "image/webp",
        "VipsForeignLoadNsgifFile": "image/gif",
        // HEIF holds AVIF (AV1) and HEIC (HEVC); which one is read from the header.
        "VipsForeignLoadHeifFile": "image/heif",
    ]

    /// The default limit: 50 megapixels, a large camera's photo.
    public static let defaultPixelLimit = 50_000_000

    /// Reads the header of the file at `path`, which the caller wrote (its name is never a
    /// client's: libvips reads options from a name's brackets).
    public static func probe(fileAt path: String, pixelLimit: Int = defaultPixelLimit) throws(ImageRefusal)
        -> ProbedImage
    {
        precondition(Self.isStarted, "libvips did not start")
        defer { vips_error_clear() }
        guard let found = vips_foreign_find_load(path), let loader = Self.loaders[String(cString: found)] else {
            throw .notAnImage
        }
        guard let image = masthead_vips_open(path) else { throw .notAnImage }
        defer { masthead_vips_release(image) }
        let width = Int(vips_image_get_width(image))
        let height = Int(vips_image_get_height(image))
        guard width > 0, height > 0 else { throw .notAnImage }
        guard width * height <= pixelLimit else {
            throw .tooManyPixels(width: width, height: height, limit: pixelLimit)
        }
        return ProbedImage(
            mediaType: loader == "image/heif" ? Self.heifType(of: image) : loader,
            width: width,
            height: height,
            orientation: Int(vips_image_get_orientation(image))
        )
    }

    /// AVIF when the HEIF container holds AV1, HEIC otherwise.
    private static func heifType(of image: UnsafeMutablePointer<VipsImage>) -> String {
        var compression: UnsafePointer<CChar>?
        guard vips_image_get_typeof(image, "heif-compression") != 0,
            vips_image_get_string(image, "heif-compression", &compression) == 0, let compression
        else { return "image/heic" }
        return String(cString: compression) == "av1" ? "image/avif" : "image/heic"
    }

    /// libvips started once per process, with the operations it marks untrusted (those that
    /// hand a file to ImageMagick, PDFium, librsvg and the like) blocked.
    package static let isStarted: Bool = {
        guard masthead_vips_start() == 0 else { return false }
        vips_block_untrusted_set(1)
        return true
    }()
}
