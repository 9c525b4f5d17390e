import MastheadDomain

/// Each resource's content version, for its ETag: one definition per kind, used by its
/// read, its writes and their `If-Match` checks alike.
extension Article {
    package var version: ResourceVersion { ResourceVersion(kind: .article, id: id, revision: revision) }
}

extension Author {
    package var version: ResourceVersion { ResourceVersion(kind: .author, id: id, revision: revision) }
}

extension Tag {
    package var version: ResourceVersion { ResourceVersion(kind: .tag, id: id, revision: revision) }
}

extension Platform {
    package var version: ResourceVersion { ResourceVersion(kind: .platform, id: id, revision: revision) }
}

extension Service {
    package var version: ResourceVersion { ResourceVersion(kind: .service, id: id, revision: revision) }
}

extension Site {
    /// There is one site; its id is always 1.
    package var version: ResourceVersion { ResourceVersion(kind: .site, id: 1, revision: revision) }
}
