import Hummingbird
import MastheadDomain

package struct AuthorResponse: JSONEncodable {
    package let author: Author

    package init(_ author: Author) {
        self.author = author
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", author.id)
            object.field("slug", author.slug)
            object.field("name", author.name)
            for field in AuthorDetails.fields {
                object.field(field.name, author.details[field])
            }
            object.field("article_count", author.articleCount)
            object.field("created_at", author.createdAt)
            object.field("updated_at", author.updatedAt)
        }
    }
}
