import Hummingbird
import MastheadDomain

/// An author as served; their photo (`avatar`) from `shelf`.
package struct AuthorResponse: JSONEncodable {
    package let author: Author
    package let shelf: MediaShelf

    package init(_ author: Author, shelf: MediaShelf) {
        self.author = author
        self.shelf = shelf
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", author.id)
            object.field("slug", author.slug)
            object.field("name", author.name)
            for field in AuthorDetails.fields {
                if field.name == "avatar" {
                    object.field(field.name, shelf.image(author.details.avatar))
                } else {
                    object.field(field.name, author.details[field])
                }
            }
            object.field("article_count", author.articleCount)
            object.field("created_at", author.createdAt)
            object.field("updated_at", author.updatedAt)
        }
    }
}
