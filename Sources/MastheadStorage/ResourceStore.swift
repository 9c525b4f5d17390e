import MastheadDomain

/// A collection the admin API writes, addressed by slug and versioned by revision: articles,
/// authors, tags, platforms and services. Each storage engine implements it for each of them
/// with the same behaviour, which `StoreConformance` in the tests holds it to.
public protocol ResourceStore<Resource, Input>: Sendable {
    associatedtype Resource: Sendable
    associatedtype Input: Sendable

    /// The resource with `slug`, drafts included; `StoreError.notFound` when there is none.
    func find(slug: Slug) async throws -> Resource
    /// Stores a new resource; `StoreError.conflict` when its slug is taken. `actor` is the
    /// token the write is made with (nil: none, as for an import), which the history a write
    /// leaves records (`ArticleRevision`).
    func create(_ input: Input, by actor: TokenInfo?) async throws -> Resource
    /// Replaces every writable field. With `expectedRevision`, throws
    /// `StoreError.revisionChanged` unless that is still the resource's revision.
    func replace(slug: Slug, with input: Input, expectedRevision: Int?, by actor: TokenInfo?) async throws -> Resource
    func delete(slug: Slug, expectedRevision: Int?, by actor: TokenInfo?) async throws
    /// Which of `slugs` exist, so that a refused write can name every unknown reference
    /// together with its other problems. Writes check again in their transaction.
    func existing(among slugs: [Slug]) async throws -> Set<String>
}

/// A collection read a page at a time, in its one order.
public protocol PagedResourceStore<Resource, Input>: ResourceStore {
    func list(_ page: PageRequest) async throws -> Page<Resource>
}

/// Authors, by name.
public typealias AuthorStore = PagedResourceStore<Author, AuthorInput>
/// Platforms by position, each with its services.
public typealias PlatformStore = PagedResourceStore<Platform, PlatformInput>
/// Services by position, each with its platforms.
public typealias ServiceStore = PagedResourceStore<Service, ServiceInput>

/// How an engine's slugged store reads one resource back: by the id it just wrote, or by
/// the slug a request names.
package enum RowKey {
    case id(Int64)
    case slug(String)
}
