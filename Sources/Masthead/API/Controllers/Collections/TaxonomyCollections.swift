import Hummingbird
import MastheadDomain

/// Authors in the shared flows.
package struct AuthorCollection: WritableCollection {
    package static var resourceKind: ResourceKind { .author }
    package static var invalidates: Set<CacheScope> { [.authors, .articles, .search, .feeds] }
    package static var path: String { "/v1/authors" }
    package static var writableFields: Set<String> { AuthorInput.fields }

    package func slug(of author: Author) -> String { author.slug }
    package func version(of author: Author) -> ResourceVersion { author.version }
    package func representation(of author: Author) -> AuthorResponse { AuthorResponse(author) }
    package func headers(of author: Author) -> HTTPFields { HTTPFields(lastModified: author.updatedAt) }

    package func document(of author: Author) -> JSONObject {
        var document: JSONObject = ["slug": .string(author.slug), "name": .string(author.name)]
        document["bio"] = author.bio.map(JSONValue.string)
        document["avatar_url"] = author.avatarURL.map(JSONValue.string)
        document["website_url"] = author.websiteURL.map(JSONValue.string)
        document["location"] = author.location.map(JSONValue.string)
        return document
    }

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
    package func representation(of tag: Tag) -> TagResponse { TagResponse(tag) }

    package func document(of tag: Tag) -> JSONObject {
        var document: JSONObject = ["slug": .string(tag.slug), "name": .string(tag.name)]
        document["description"] = tag.description.map(JSONValue.string)
        return document
    }

    package func input(from reader: inout FieldReader, existing: Tag?) -> TagInput? {
        TagInput.read(from: &reader, existing: existing != nil)
    }
}

extension AuthorInput {
    package static let fields: Set<String> = ["slug", "name", "bio", "avatar_url", "website_url", "location"]

    package static func read(from reader: inout FieldReader, existing: Bool) -> AuthorInput? {
        let name = reader.string("name", required: true, maxLength: 200)
        let slug = reader.slugChoice(titledBy: name, existing: existing, resource: .author)
        let bio = reader.string("bio", maxLength: 5000)
        let avatarURL = reader.url("avatar_url")
        let websiteURL = reader.url("website_url")
        let location = reader.string("location", maxLength: 200)
        guard let slug, let name, reader.errors.isEmpty else { return nil }
        return AuthorInput(
            slug: slug,
            name: name,
            bio: bio,
            avatarURL: avatarURL,
            websiteURL: websiteURL,
            location: location
        )
    }
}

extension TagInput {
    package static let fields: Set<String> = ["slug", "name", "description"]

    package static func read(from reader: inout FieldReader, existing: Bool) -> TagInput? {
        let name = reader.string("name", required: true, maxLength: 100)
        let slug = reader.slugChoice(titledBy: name, existing: existing, resource: .tag)
        let description = reader.string("description", maxLength: 500)
        guard let slug, let name, reader.errors.isEmpty else { return nil }
        return TagInput(slug: slug, name: name, description: description)
    }
}
