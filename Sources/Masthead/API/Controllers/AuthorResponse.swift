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
            object.field("bio", author.bio)
            object.field("avatar_url", author.avatarURL)
            object.field("website_url", author.websiteURL)
            object.field("location", author.location)
            object.field("article_count", author.articleCount)
            object.field("created_at", author.createdAt)
            object.field("updated_at", author.updatedAt)
        }
    }
}
