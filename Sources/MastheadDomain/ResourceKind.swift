/// Every kind of thing Masthead stores and names: in messages ("No article with slug …"),
/// in the events webhooks announce, and in ETags. The raw value is that name, and is what
/// the outbox stores.
public enum ResourceKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case article
    case author
    case tag
    case platform
    case service
    case site
    case token
    case webhook
    case delivery
    case revision
    case previewLink = "preview link"
    case media

    public var description: String { rawValue }

    /// Whether its writes raise events of its own (`<kind>.created`, `.updated`, `.deleted`);
    /// the catalog's are `catalog.updated`, and articles' follow their publication
    /// (`ContentEvent.articleWrite`). A described kind (`DescribedInput`) says yes here.
    package var announcesItsWrites: Bool {
        switch self {
        case .author, .tag, .media: true
        default: false
        }
    }

    /// Addressed by number in the API, not by slug.
    package var isNumbered: Bool {
        switch self {
        case .webhook, .delivery, .revision, .previewLink, .media: true
        default: false
        }
    }
}
