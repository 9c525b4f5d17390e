import Hummingbird
import MastheadDomain
import MastheadStorage

/// A described kind (`DescribedInput`) in the shared flows: its collection, its JSON and its
/// reads and writes are all made from its description, so such a kind needs nothing here.
package struct DescribedCollection<Input: DescribedInput>: WritableCollection {
    package typealias Resource = DescribedResource<Input>

    package static var resourceKind: ResourceKind { Input.stored.kind }
    package static var invalidates: Set<CacheScope> { [.described] }
    package static var path: String { Input.path }
    package static var writableFields: Set<String> { Input.fields }

    package func slug(of resource: Resource) -> String { resource.slug }

    package func version(of resource: Resource) -> ResourceVersion {
        ResourceVersion(kind: Self.resourceKind, id: resource.stored.id, revision: resource.stored.revision)
    }

    package func representation(of resource: Resource, shelf: MediaShelf) -> DescribedResponse<Input> {
        DescribedResponse(resource)
    }
    package func headers(of resource: Resource) -> HTTPFields { HTTPFields(lastModified: resource.stored.updatedAt) }

    package func document(of resource: Resource) -> JSONObject {
        resource.input.document.merging(["slug": .string(resource.slug)]) { _, slug in slug }
    }

    package func input(from reader: inout FieldReader, existing: Resource?) -> Input? {
        Input.read(from: &reader, existing: existing != nil)
    }
}

/// A described resource as the API serves it: its id and slug, each field of its description
/// in order (null when it has none), its revision and times.
package struct DescribedResponse<Input: DescribedInput>: JSONEncodable {
    package let resource: DescribedResource<Input>

    package init(_ resource: DescribedResource<Input>) {
        self.resource = resource
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", resource.stored.id)
            object.field("slug", resource.slug)
            for (name, value) in resource.fields { object.field(name, value) }
            object.field("revision", resource.stored.revision)
            object.field("created_at", resource.stored.createdAt)
            object.field("updated_at", resource.stored.updatedAt)
        }
    }
}

extension StoredValue: JSONEncodable {
    /// As a detail of the same value is written; NULL as `null`.
    package func encode(to json: inout JSONWriter) { detail.encode(to: &json) }
}
