import CVips
import Foundation

/// Makes a variant of a stored image with libvips: read by its own format's loader (JPEG
/// shrunk while decoding, as `vipsthumbnail` does), turned upright by its EXIF orientation,
/// resized, cut around the focal point for a cover crop, and encoded without any of the
/// original's metadata (no EXIF, no GPS position, no comments).
///
/// It blocks for as long as the work takes; the server runs it on a bounded pool.
public enum ImageRenderer {
    public struct Failure: Error, Equatable {}

    /// Each at most libvips' coordinate limit: "no limit" for a box's other side.
    private static let unbounded: Int32 = 10_000_000

    /// The variant of the image in `path` (already probed as `source`) in `format`; a cover
    /// crop is centred as near its focal point as the frame allows.
    public static func render(
        fileAt path: String,
        source: ProbedImage,
        variant: ImageVariant,
        format: ImageFormat,
        maximumWidth: Int = .max
    ) throws(Failure) -> [UInt8] {
        guard ImageProbe.isStarted else { throw Failure() }
        let (uprightWidth, uprightHeight) = (source.uprightWidth, source.uprightHeight)
        let (width, height) = variant.outputSize(
            sourceWidth: uprightWidth,
            sourceHeight: uprightHeight,
            maximumWidth: maximumWidth
        )
        let cover = variant.ratio != nil && variant.fit == .cover
        // The side that limits: the resized image is exactly the output on it, and at least
        // the output on the other (what a cover crop then cuts away).
        let widthLimits = Double(width) / Double(uprightWidth) >= Double(height) / Double(uprightHeight)
        let box: (Int32, Int32) =
            cover && !widthLimits ? (unbounded, Int32(height)) : (Int32(width), unbounded)
        let resizedWidth =
            cover && !widthLimits
            ? Double(uprightWidth) * Double(height) / Double(uprightHeight) : Double(width)
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let failed = masthead_vips_render(
            source.loader,
            path,
            shrinkOnLoad(factor: Double(uprightWidth) / resizedWidth),
            box.0,
            box.1,
            cover ? Int32(width) : 0,
            cover ? Int32(height) : 0,
            Double(variant.focus?.x ?? 50) / 100,
            Double(variant.focus?.y ?? 50) / 100,
            format.code,
            format.quality,
            &buffer,
            &length
        )
        guard failed == 0, let buffer else {
            vips_error_clear()
            throw Failure()
        }
        defer { g_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// The image's average colour as `#rrggbb`, from a 1 × 1 thumbnail (its pixels decoded
    /// once, JPEG shrunk while decoding): what a page shows where the image will be.
    public static func averageColour(fileAt path: String, source: ProbedImage) throws(Failure) -> String {
        guard ImageProbe.isStarted else { throw Failure() }
        var rgb: (UInt8, UInt8, UInt8) = (0, 0, 0)
        let failed = withUnsafeMutableBytes(of: &rgb) { bytes in
            masthead_vips_average(
                source.loader,
                path,
                shrinkOnLoad(factor: Double(min(source.width, source.height))),
                bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            )
        }
        guard failed == 0 else {
            vips_error_clear()
            throw Failure()
        }
        return String(format: "#%02x%02x%02x", rgb.0, rgb.1, rgb.2)
    }

    /// Writes a `width` × `height` image to `path` (its format from the suffix) shading
    /// diagonally from `from` to `to` (red, green, blue, 0–255): pictures made from nothing.
    public static func gradient(
        width: Int,
        height: Int,
        from: (Double, Double, Double),
        to: (Double, Double, Double),
        path: String
    ) throws(Failure) {
        guard ImageProbe.isStarted else { throw Failure() }
        let start = [from.0, from.1, from.2]
        let end = [to.0, to.1, to.2]
        guard masthead_vips_gradient(Int32(width), Int32(height), start, end, path) == 0 else {
            vips_error_clear()
            throw Failure()
        }
    }

    /// JPEG's shrink while decoding, leaving at least a factor of two for the resize proper
    /// (a block shrink alone would look harsh), as libvips' own thumbnail does.
    static func shrinkOnLoad(factor: Double) -> Int32 {
        switch factor {
        case 16...: 8
        case 8...: 4
        case 4...: 2
        default: 1
        }
    }
}
