import Foundation
import Hummingbird
import MastheadDomain
import MastheadMedia
import MastheadStorage

/// How uploads are taken and images served.
public struct MediaSettings: Sendable {
    /// The largest upload, in bytes.
    public var maxUploadBytes: Int64 = 25 << 20
    /// Larger images are refused at upload, from their header.
    public var pixelLimit = ImageProbe.defaultPixelLimit
    /// Which variants are served.
    public var variants = VariantPolicy()
    /// Where this instance keeps the images it made and the originals it copied out of the
    /// database; nil: a folder of its own under the system's temporary folder.
    public var cacheFolder: String?
    /// At most this many bytes there.
    public var cacheMaxBytes = 512 << 20

    public init() {}

    /// A variant's public URL (site-relative); nil for a file that is not an image.
    package func url(of asset: MediaAsset, variant: ImageVariant) -> String? {
        guard asset.isImage else { return nil }
        return url(of: asset, variant: variant, segment: Self.segment(of: asset))
    }

    private func url(of asset: MediaAsset, variant: ImageVariant, segment: String) -> String {
        "/media/\(asset.hash)/\(variant)/\(segment)"
    }

    /// The last part of an asset's URLs: its name for people and downloads.
    private static func segment(of asset: MediaAsset) -> String {
        MediaFilename(asset.filename)?.pathSegment ?? "file"
    }

    /// The widest any image is served: the largest width of the set (`full` of a larger
    /// image is made that wide).
    package var maximumWidth: Int { variants.widths.max() ?? 1920 }

    /// Every served width below the image's own, then `full` (its own, at most
    /// `maximumWidth`): `url 640w, …`.
    package func srcset(of asset: MediaAsset) -> String? {
        guard let width = asset.width else { return nil }
        let full = min(width, maximumWidth)
        let widths = variants.widths.filter { $0 < full }
        let segment = Self.segment(of: asset)
        return (widths.map { ImageVariant(width: $0) } + [ImageVariant(width: nil)]).map { variant in
            "\(url(of: asset, variant: variant, segment: segment)) \(variant.width ?? full)w"
        }.joined(separator: ", ")
    }
}

/// `/media/{hash}/{variant}/{filename}`: an image at a size and in a format (`ImageVariant`),
/// public, and the same bytes for ever for one URL (the hash names the content, the variant
/// its treatment, a cover crop its focal point), so it is cached for a year. The file name
/// is for people and downloads; any name serves.
package struct ImageController {
    package let store: any MediaStore
    package let images: MediaImages
    package let settings: MediaSettings

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("{hash}/{variant}/{filename}", use: image)
        return routes
    }

    @Sendable package func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        guard let hash = context.parameters.get("hash"), ContentDigest.isHex(hash),
            let name = context.parameters.get("variant"),
            let variant = ImageVariant(parsing: name, policy: settings.variants),
            let filename = context.parameters.get("filename"), filename.unicodeScalars.count <= 255
        else { throw Self.notFound }
        // What `auto` picks depends on the request's Accept only, and for a client that reads
        // neither AVIF nor WebP on the source too: "legacy" then, in the key and the tag.
        let preferred = variant.format ?? ImageFormat.preferred(accept: request.headers[.accept])
        let choice = variant.format == nil ? "-\(preferred?.rawValue ?? "legacy")" : ""
        let key = "\(hash)-\(variant)\(choice)"
        let tag = "\"\(hash.prefix(32))-\(variant)\(choice)\""
        var headers: HTTPFields = [
            .cacheControl: "public, max-age=31536000, immutable",
            .eTag: tag,
            .xContentTypeOptions: "nosniff",
        ]
        if variant.format == nil { headers[.vary] = "Accept" }
        // The URL names the content: a match, or bytes this instance made, need no database.
        if let condition = request.headers[.ifNoneMatch], CachingMiddleware.matches(condition, tag) {
            return Response(status: .notModified, headers: headers)
        }
        if let bytes = await images.cached(key), let format = preferred ?? ImageFormat(sniffing: bytes) {
            return Self.respond(bytes, format: format, filename: filename, headers: headers)
        }
        let asset: MediaAsset
        do {
            asset = try await store.find(hash: hash)
        } catch StoreError.notFound {
            throw Self.notFound
        }
        guard asset.isImage else { throw Self.notFound }
        if let focus = variant.focus,
            focus != ImageVariant.Focus(x: asset.details.focalPoint.x, y: asset.details.focalPoint.y)
        {
            // An old focal point: its URL led to a crop no longer made.
            throw Self.notFound
        }
        let format = preferred ?? ImageFormat.fallback(for: asset.mediaType)
        let bytes: [UInt8]
        do {
            bytes = try await images.variant(variant, format: format, of: asset, key: key)
        } catch is ImageRenderer.Failure {
            throw ProblemError(
                status: .unprocessableContent,
                code: "image_unreadable",
                detail: "This image could not be made at that size; the original may be damaged."
            )
        } catch is ImageRefusal {
            throw MediaCache.unavailable
        }
        return Self.respond(bytes, format: format, filename: asset.filename, headers: headers)
    }

    private static func respond(_ bytes: [UInt8], format: ImageFormat, filename: String, headers: HTTPFields)
        -> Response
    {
        var headers = headers
        headers[.contentType] = format.mediaType
        headers[.contentDisposition] = ContentDisposition.inline(filename)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static let notFound = ProblemError(
        status: .notFound,
        code: "not_found",
        detail: "No image at this address."
    )
}
