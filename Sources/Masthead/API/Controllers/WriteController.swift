import Foundation
import Hummingbird
import MastheadDomain
import MastheadStorage

/// What the API knows of one collection (articles, authors, tags, platforms, services): its
/// name and path, its JSON, and how a body becomes its store's input. The flows every
/// collection shares (`WriteController`, `CollectionReadController`) are written once over it.
package protocol WritableCollection: Sendable {
    associatedtype Resource: Sendable
    associatedtype Input: SluggedInput
    associatedtype Representation: JSONEncodable

    /// The kind it holds, as messages, events and ETags name it.
    static var resourceKind: ResourceKind { get }
    /// Where the collection lives, for `Location`: "/v1/articles".
    static var path: String { get }
    /// The fields a body may carry.
    static var writableFields: Set<String> { get }
    /// The cached responses a write to this collection can change.
    static var invalidates: Set<CacheScope> { get }

    func slug(of resource: Resource) -> String
    /// What the resource's ETag and `If-Match` checks are made of.
    func version(of resource: Resource) -> ResourceVersion
    /// What `GET {path}/{slug}` serves by default, the media it shows from `shelf`.
    func representation(of resource: Resource, shelf: MediaShelf) -> Representation
    /// The media the representations of `resources` show, fetched once for all of them.
    func shelf(for resources: [Resource]) async throws -> MediaShelf
    /// The writable fields as the body of a PUT would carry them: the base of a merge patch.
    /// By default the representation's writable fields, which is right wherever the
    /// resource's JSON spells each writable field as a body does (authors, tags).
    func document(of resource: Resource) -> JSONObject
    /// Reads a body; problems go into `reader`. `existing` is nil on create.
    func input(from reader: inout FieldReader, existing: Resource?) -> Input?
    /// A problem for every slug the body names that does not exist; a media reference the
    /// resource already holds (`existing`) is not checked again, so a write that does not
    /// touch it never fails for it.
    func missingReferences(in document: JSONObject, existing: Resource?) async throws -> [FieldError]
    /// Headers a read of the resource carries besides its ETag.
    func headers(of resource: Resource) -> HTTPFields
}

extension WritableCollection {
    package func missingReferences(in document: JSONObject, existing: Resource?) async throws -> [FieldError] { [] }
    package func shelf(for resources: [Resource]) async throws -> MediaShelf { .empty }
    package func headers(of resource: Resource) -> HTTPFields { [:] }

    package func document(of resource: Resource) -> JSONObject {
        // Without media: a collection whose JSON shows media spells its own document.
        let bytes = JSONResponse.bytes(of: representation(of: resource, shelf: .empty))
        // Our own JSON always parses; nothing (a 422 for every field) is the safe answer if not.
        guard let json = try? JSONDecoder().decode(JSONObject.self, from: Data(bytes)) else { return [:] }
        return json.filter { Self.writableFields.contains($0.key) && $0.value != .null }
    }

    /// The input a body describes, or a 422 naming every problem with it, unknown references included.
    package func validInput(from document: JSONObject, existing: Resource?) async throws -> Input {
        var reader = FieldReader(document, writable: Self.writableFields)
        let input = self.input(from: &reader, existing: existing)
        reader.add(try await missingReferences(in: document, existing: existing))
        try reader.finish()
        return input!
    }
}

/// `POST {path}`, `PUT`, `PATCH` (JSON merge patch, RFC 7396) and `DELETE {path}/{slug}`,
/// each needing `content:write`, each one transaction in the store. `If-Match` is
/// honoured on PUT, PATCH and DELETE; a write based on a stale revision never lands.
package struct WriteController<Collection: WritableCollection> {
    package let collection: Collection
    package let store: any ResourceStore<Collection.Resource, Collection.Input>
    package let changes: ContentChanges
    /// How many times a PATCH without If-Match is rebased onto a concurrent write before giving up.
    private static var rebaseAttempts: Int { 3 }

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post(use: create)
        routes.put("{slug}", use: replace)
        routes.patch("{slug}", use: patch)
        routes.delete("{slug}", use: delete)
        return routes
    }

    @Sendable package func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let input = try await collection.validInput(from: try await RequestBody.object(of: request), existing: nil)
        let created = try await store.create(input, by: context.token)
        changes.committed(Collection.invalidates)
        return try await respond(with: created, status: .created, location: true)
    }

    @Sendable package func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let slug = try context.slug(of: Collection.resourceKind)
        let document = try await RequestBody.object(of: request)
        return try await replace(slug, request, context) { current in
            try await collection.validInput(from: document, existing: current)
        }
    }

    /// Replaces the resource `slug` with what `input` makes of its current state, honouring
    /// `If-Match`: a PUT, or a restored revision.
    package func replace(
        _ slug: Slug,
        _ request: Request,
        _ context: AppRequestContext,
        input: (Collection.Resource) async throws -> Collection.Input
    ) async throws -> Response {
        let current = try await store.find(slug: slug)
        try checkIfMatch(request, current)
        let input = try await input(current)
        let expected = request.headers[.ifMatch] == nil ? nil : collection.version(of: current).revision
        let replaced = try await store.replace(slug: slug, with: input, expectedRevision: expected, by: context.token)
        changes.committed(Collection.invalidates)
        return try await respond(with: replaced, status: .ok, location: false)
    }

    @Sendable package func patch(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let slug = try context.slug(of: Collection.resourceKind)
        let patch = try await RequestBody.object(of: request)
        // A key that is no field is refused even with null, which a merge patch would
        // otherwise drop without a word.
        try FieldReader(patch, writable: Collection.writableFields).finish()
        var attempt = 1
        while true {
            let current = try await store.find(slug: slug)
            try checkIfMatch(request, current)
            let document = collection.document(of: current).merging(patch: patch)
            let input = try await collection.validInput(from: document, existing: current)
            do {
                let patched = try await store.replace(
                    slug: slug,
                    with: input,
                    expectedRevision: collection.version(of: current).revision,
                    by: context.token
                )
                changes.committed(Collection.invalidates)
                return try await respond(with: patched, status: .ok, location: false)
            } catch StoreError.revisionChanged
                where request.headers[.ifMatch] == nil && attempt < Self.rebaseAttempts
            {
                // Someone wrote in between: apply the patch again to what they wrote.
                attempt += 1
            }
        }
    }

    @Sendable package func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let slug = try context.slug(of: Collection.resourceKind)
        let current = try await store.find(slug: slug)
        try checkIfMatch(request, current)
        let expected = request.headers[.ifMatch] == nil ? nil : collection.version(of: current).revision
        try await store.delete(slug: slug, expectedRevision: expected, by: context.token)
        changes.committed(Collection.invalidates)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    /// 412 unless `If-Match` is absent or names a tag of the resource's current content.
    private func checkIfMatch(_ request: Request, _ current: Collection.Resource) throws {
        guard let header = request.headers[.ifMatch] else { return }
        guard EntityTag.ifMatch(header, current: collection.version(of: current)) else {
            throw ProblemError.preconditionFailed
        }
    }

    private func respond(with resource: Collection.Resource, status: HTTPResponse.Status, location: Bool) async throws
        -> Response
    {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        if location {
            headers[.location] = "\(Collection.path)/\(collection.slug(of: resource))"
        }
        return JSONResponse.make(
            DataEnvelope(
                data: collection.representation(of: resource, shelf: try await collection.shelf(for: [resource]))
            ),
            status: status,
            headers: headers,
            version: collection.version(of: resource)
        )
    }
}
