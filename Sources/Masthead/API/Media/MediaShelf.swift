import MastheadDomain
import MastheadMedia
import MastheadStorage

/// Where content's images come from: the media store, and how images are served.
package struct MediaLibrary: Sendable {
    package let store: any MediaStore
    package let settings: MediaSettings

    package init(store: any MediaStore, settings: MediaSettings) {
        self.store = store
        self.settings = settings
    }

    /// The assets `ids` name, fetched in one query.
    package func shelf(for ids: some Sequence<Int?>) async throws -> MediaShelf {
        let wanted = Set(ids.compactMap { $0.map(Int64.init) })
        guard !wanted.isEmpty else { return MediaShelf(assets: [:], settings: settings) }
        let assets = try await store.find(ids: wanted)
        return MediaShelf(assets: Dictionary(uniqueKeysWithValues: assets.map { ($0.id, $0) }), settings: settings)
    }

    /// The assets articles show as `selection` picks their fields: their feature images.
    package func shelf(for articles: [Article], _ selection: ArticleSelection) async throws -> MediaShelf {
        guard selection.fields.contains(where: { $0.rawValue == "feature_image" }) else { return .empty }
        return try await shelf(for: articles.map(\.details.featureImage))
    }

    package func shelf(for authors: [Author]) async throws -> MediaShelf {
        try await shelf(for: authors.map(\.details.avatar))
    }

    /// A problem when `field` of `document` names no image in the library (`unknown_media`);
    /// `held`, what the resource holds already, is not checked (it may name an asset deleted
    /// since, which reads as null, and must not block edits of anything else).
    package func missing(in document: JSONObject, field: String, unless held: Int?) async throws -> [FieldError] {
        guard case .integer(let id)? = document[field], id > 0, Int(exactly: id) != held else { return [] }
        let found = try await store.find(ids: [id])
        guard found.first?.isImage != true else { return [] }
        return [
            FieldError(
                pointer: FieldReader.pointer(field),
                code: "unknown_media",
                detail: "\(field) must be the id of an image in the media library; there is no image \(id)"
            )
        ]
    }
}

/// The media a response shows, fetched before it is written (responses are written
/// synchronously); a reference to an asset that is not on it reads as `null`.
package struct MediaShelf: Sendable {
    package let assets: [Int64: MediaAsset]
    package let settings: MediaSettings

    /// For responses that show no media.
    package static let empty = MediaShelf(assets: [:], settings: MediaSettings())

    /// The image `id` names, as a page uses it; nil when there is none or it is gone.
    package func image(_ id: Int?) -> ImageReference? {
        guard let id, let asset = assets[Int64(id)], asset.isImage else { return nil }
        return ImageReference(asset: asset, settings: settings)
    }
}

/// An image as content shows it (an article's `feature_image`, an author's `avatar`): what a
/// page needs to reserve its space and pick a size, without asking again.
package struct ImageReference: JSONEncodable {
    package let asset: MediaAsset
    package let settings: MediaSettings

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", asset.id)
            object.field("url", settings.url(of: asset, variant: ImageVariant(width: nil)))
            object.field("width", asset.width)
            object.field("height", asset.height)
            object.field("alt", asset.details.alt)
            object.field("srcset", settings.srcset(of: asset))
            object.field("placeholder", asset.placeholder)
        }
    }
}
