import Hummingbird
import MastheadDomain

/// Authors in the shared flows.
package struct AuthorCollection: WritableCollection {
    package let media: MediaLibrary

    package static var resourceKind: ResourceKind { .author }
    package static var invalidates: Set<CacheScope> { [.authors, .articles, .search, .feeds] }
    package static var path: String { "/v1/authors" }
    package static var writableFields: Set<String> { AuthorInput.fields }

    package func slug(of author: Author) -> String { author.slug }
    package func version(of author: Author) -> ResourceVersion { author.version }
    package func representation(of author: Author, shelf: MediaShelf) -> AuthorResponse {
        AuthorResponse(author, shelf: shelf)
    }

    package func shelf(for authors: [Author]) async throws -> MediaShelf { try await media.shelf(for: authors) }

    package func missingReferences(in document: JSONObject, existing: Author?) async throws -> [FieldError] {
        try await media.missing(in: document, field: "avatar", unless: existing?.details.avatar)
    }

    /// Its writable fields, the photo as its id.
    package func document(of author: Author) -> JSONObject {
        ["slug": .string(author.slug), "name": .string(author.name)].merging(author.details.document) { _, detail in
            detail
        }
    }
    package func headers(of author: Author) -> HTTPFields { HTTPFields(lastModified: author.updatedAt) }

    package func input(from reader: inout FieldReader, existing: Author?) -> AuthorInput? {
        AuthorInput.read(from: &reader, existing: existing != nil)
    }
}

/// Tags in the shared flows.
package struct TagCollection: WritableCollection {
    package static var resourceKind: ResourceKind { .tag }
    package static var invalidates: Set<CacheScope> { [.tags, .articles, .search, .feeds] }
    package static var path: String { "/v1/tags" }
    package static var writableFields: Set<String> { TagInput.fields }

    package func slug(of tag: Tag) -> String { tag.slug }
    package func version(of tag: Tag) -> ResourceVersion { tag.version }
    package func representation(of tag: Tag, shelf: MediaShelf) -> TagResponse { TagResponse(tag) }

    package func input(from reader: inout FieldReader, existing: Tag?) -> TagInput? {
        TagInput.read(from: &reader, existing: existing != nil)
    }
}
