import Foundation
import Hummingbird
import MastheadDomain
import MastheadMedia
import MastheadStorage

/// `/v1/media`: the publication's uploaded images. Uploading and editing take
/// `content:write`; the library and the exact original bytes take `content:read` (an asset
/// may wait for an article that is not out yet). Images themselves are public, at
/// `/media/{hash}/{variant}/{filename}` (`ImageController`).
package struct MediaController {
    package let store: any MediaStore
    package let uploads: MediaUploads
    package let settings: MediaSettings
    /// Where edits and deletions are reported: content that shows an asset is cached with it.
    package let changes: ContentChanges
    /// What this instance made of assets, forgotten when one is deleted.
    package let images: MediaImages

    /// The cached responses that may show an asset.
    package static let showsMedia: Set<CacheScope> = [.articles, .authors, .search, .feeds]

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post(use: create)
        routes.get(use: list)
        routes.get("{id}", use: show)
        routes.patch("{id}", use: update)
        routes.delete("{id}", use: delete)
        routes.get("{id}/original", use: original)
        return routes
    }

    /// The body is the file itself, named by `?filename=` or by `Content-Disposition`'s
    /// `filename`; or, from a browser's form, `multipart/form-data` with the file as its part
    /// `file` (named by that part). PATCH describes it. What it is comes from its bytes, never
    /// from a `Content-Type`. The same bytes again answer 200 with the asset they are.
    @Sendable package func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.require(.contentWrite)
        let query = try QueryReader(context, allowed: ["filename"])
        // A raw body's name is known before its bytes are read; a form's, from its part.
        let boundary = try MediaUploads.formBoundary(of: request.headers[.contentType])
        var named = query.string("filename")
        if boundary == nil, named == nil {
            named = request.headers[.contentDisposition].flatMap(ContentDisposition.filename(in:))
            guard named != nil else { throw Self.filenameRequired }
        }
        if let named { _ = try Self.filename(named) }
        let received: MediaUploads.Received
        if let boundary {
            let (file, partName) = try await uploads.receiveForm(request, boundary: boundary)
            received = file
            named = named ?? partName
        } else {
            received = try await uploads.receive(request)
        }
        defer { received.remove() }
        guard let named else { throw Self.filenameRequired }
        let filename = try Self.filename(named)
        let image: ProbedImage
        let placeholder: String?
        switch try await MediaImages.probe(received.path, pixelLimit: settings.pixelLimit) {
        case .success(let probed): (image, placeholder) = probed
        case .failure(let refusal): throw Self.problem(refusal)
        }
        let (asset, created) = try await store.add(
            MediaUpload(
                path: received.path,
                hash: received.hash,
                byteSize: received.byteSize,
                mediaType: image.mediaType,
                width: image.uprightWidth,
                height: image.uprightHeight,
                placeholder: placeholder,
                details: MediaDetails(filename: filename.text),
                uploadedBy: token.name
            )
        )
        return JSONResponse.make(
            DataEnvelope(data: MediaResponse(asset: asset, settings: settings)),
            status: created ? .created : .ok,
            headers: [.cacheControl: "no-store", .location: "/v1/media/\(asset.id)"]
        )
    }

    /// Newest first; `type` is a media type (`image/png`) or a family (`image`), `q` a text
    /// found in the file name, alt text or caption.
    @Sendable package func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentRead)
        let reader = try QueryReader(context, allowed: ["page", "limit", "type", "q"])
        let page = try reader.pageRequest()
        var query = MediaQuery()
        if let type = reader.string("type") {
            guard type.utf8.count <= 100, !type.isEmpty,
                type.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.isAlphabetic || "0123456789/+-.".unicodeScalars.contains($0))
                })
            else {
                throw ProblemError.invalidParameter("type", "must be a media type such as image/png, or image.")
            }
            query.type = type.lowercased()
        }
        if let text = reader.string("q") {
            guard (1...200).contains(text.unicodeScalars.count) else {
                throw ProblemError.invalidParameter("q", "must be 1 to 200 characters.")
            }
            query.text = text
        }
        let found = try await store.list(query, page: page)
        return JSONResponse.page(
            found.items.map { MediaResponse(asset: $0, settings: settings) },
            of: page,
            total: found.total,
            for: request,
            context,
            cacheControl: "no-store"
        )
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentRead)
        _ = try QueryReader(context, allowed: [])
        return respond(with: try await store.find(id: try Self.id(context)))
    }

    /// A JSON merge patch of `filename`, `alt`, `caption`, `credit` and `focal_point`.
    @Sendable package func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let id = try Self.id(context)
        let body = try await RequestBody.object(of: request)
        var reader = FieldReader(body, writable: MediaDetails.fields)
        let current = try await store.find(id: id)
        let details = current.details.patched(by: &reader, body: body)
        try reader.finish()
        let updated = try await store.update(id: id, with: details)
        changes.committed(Self.showsMedia)
        return respond(with: updated)
    }

    @Sendable package func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let id = try Self.id(context)
        let asset = try await store.find(id: id)
        try await store.delete(id: id)
        await images.forget(asset.hash)
        changes.committed(Self.showsMedia)
        return Response(status: .noContent)
    }

    /// The exact bytes uploaded, metadata and all, as an attachment: for a token holder only,
    /// since a photo's EXIF may say where it was taken. Streamed a stored part at a time.
    @Sendable package func original(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentRead)
        _ = try QueryReader(context, allowed: [])
        let asset = try await store.find(id: try Self.id(context))
        let store = store
        let body = ResponseBody { writer in
            var part = 0
            while let bytes = try await store.part(part, of: asset.id) {
                try await writer.write(ByteBuffer(bytes: bytes))
                part += 1
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.mediaType,
                .contentLength: String(asset.byteSize),
                .contentDisposition: ContentDisposition.attachment(asset.filename),
                .cacheControl: "private, no-store",
                .xContentTypeOptions: "nosniff",
                .eTag: "\"\(asset.hash)\"",
            ],
            body: body
        )
    }

    private static let filenameRequired = ProblemError(
        status: .badRequest,
        code: "filename_required",
        detail: "Name the file: ?filename=photo.jpg, Content-Disposition: attachment; filename=\"photo.jpg\", "
            + "or a form part's filename."
    )

    private static func filename(_ name: String) throws -> MediaFilename {
        guard let filename = MediaFilename(name) else {
            throw ProblemError.invalidParameter(
                "filename",
                "must be 1 to 255 characters, not blank, without / \\ or control characters."
            )
        }
        return filename
    }

    private func respond(with asset: MediaAsset) -> Response {
        JSONResponse.make(
            DataEnvelope(data: MediaResponse(asset: asset, settings: settings)),
            headers: [.cacheControl: "no-store"]
        )
    }

    private static func id(_ context: AppRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw ProblemError(status: .notFound, code: "not_found", detail: "No media asset with that id.")
        }
        return id
    }

    package static func problem(_ refusal: ImageRefusal) -> ProblemError {
        switch refusal {
        case .notAnImage:
            ProblemError(
                status: .unsupportedMediaType,
                code: "unsupported_media_type",
                detail: "Masthead takes JPEG, PNG, WebP, GIF, AVIF and HEIC images; this file is none of them."
            )
        case .tooManyPixels(let width, let height, let limit):
            ProblemError(
                status: .unprocessableContent,
                code: "too_many_pixels",
                detail: "The image is \(width) × \(height) pixels; at most \(limit / 1_000_000) megapixels are taken."
            )
        case .tooMuchMetadata:
            ProblemError(
                status: .unprocessableContent,
                code: "too_much_metadata",
                detail: "The image carries more compressed metadata than a picture needs; save it without it."
            )
        case .unavailable:
            ProblemError(
                status: .serviceUnavailable,
                code: "images_unavailable",
                detail: "Images cannot be read on this server just now.",
                headers: [.retryAfter: "30"]
            )
        }
    }
}

/// An asset as the API serves it; for an image, the URLs a page can use as they are.
package struct MediaResponse: JSONEncodable {
    package let asset: MediaAsset
    package let settings: MediaSettings

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", asset.id)
            object.field("hash", asset.hash)
            object.field("filename", asset.filename)
            object.field("media_type", asset.mediaType)
            object.field("byte_size", asset.byteSize)
            object.field("width", asset.width)
            object.field("height", asset.height)
            object.field("placeholder", asset.placeholder)
            object.field("alt", asset.details.alt)
            object.field("caption", asset.details.caption)
            object.field("credit", asset.details.credit)
            object.field("focal_point", FocalPointJSON(point: asset.details.focalPoint))
            let focus = ImageVariant.Focus(x: asset.details.focalPoint.x, y: asset.details.focalPoint.y)
            object.field("focus", focus.description)
            object.field("url", settings.url(of: asset, variant: ImageVariant(width: nil)))
            object.field("srcset", settings.srcset(of: asset))
            object.field("original_url", "/v1/media/\(asset.id)/original")
            object.field("uploaded_by", asset.uploadedBy)
            object.field("created_at", asset.createdAt)
            object.field("updated_at", asset.updatedAt)
        }
    }
}

struct FocalPointJSON: JSONEncodable {
    let point: FocalPoint

    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("x", point.x)
            object.field("y", point.y)
        }
    }
}

/// `Content-Disposition`, read for an upload's name and written for a download's.
package enum ContentDisposition {
    /// The `filename` parameter (quoted or not; RFC 6266's `filename*` in UTF-8 preferred).
    package static func filename(in header: String) -> String? {
        if let extended = HeaderParameters.value("filename*", in: header), extended.lowercased().hasPrefix("utf-8''"),
            let decoded = extended.dropFirst(7).removingPercentEncoding
        {
            return decoded
        }
        return HeaderParameters.value("filename", in: header)
    }

    /// `attachment` named `filename`: its ASCII letters, digits and `._-` as `filename`, and
    /// the whole name percent-encoded as `filename*`.
    package static func attachment(_ filename: String) -> String {
        disposition("attachment", filename)
    }

    package static func inline(_ filename: String) -> String {
        disposition("inline", filename)
    }

    /// RFC 3986's unreserved characters, all ASCII.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    private static func disposition(_ type: String, _ filename: String) -> String {
        let plain = MediaFilename(filename)?.pathSegment ?? "file"
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: unreserved) ?? plain
        return "\(type); filename=\"\(plain)\"; filename*=UTF-8''\(encoded)"
    }
}
