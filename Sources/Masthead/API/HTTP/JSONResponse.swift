import Hummingbird
import MastheadDomain

/// `{"data": …}`: how a single resource is served.
package struct DataEnvelope<Payload: JSONEncodable>: JSONEncodable {
    package let data: Payload

    package func encode(to json: inout JSONWriter) {
        json.object { $0.field("data", data) }
    }
}

/// `{"data": [...], "meta": {"pagination": …}}`: how a list is served.
package struct ListEnvelope<Item: JSONEncodable>: JSONEncodable {
    package let data: [Item]
    package let pagination: PaginationMeta

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("data", data)
            object.field("meta", Meta(pagination: pagination))
        }
    }

    private struct Meta: JSONEncodable {
        package let pagination: PaginationMeta

        package func encode(to json: inout JSONWriter) {
            json.object { $0.field("pagination", pagination) }
        }
    }
}

/// `{"data": [...], "meta": {...}}` for lists that are not paged.
package struct ListWithMeta<Item: JSONEncodable, Meta: JSONEncodable>: JSONEncodable {
    package let data: [Item]
    package let meta: Meta

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("data", data)
            object.field("meta", meta)
        }
    }
}

package enum JSONResponse {
    package static let contentType = "application/json; charset=utf-8"

    package static func bytes(of value: some JSONEncodable) -> [UInt8] {
        var writer = JSONWriter()
        value.encode(to: &writer)
        return writer.bytes
    }

    package static func encode(_ value: some JSONEncodable) -> ByteBuffer {
        ByteBuffer(bytes: bytes(of: value))
    }

    /// A JSON response carrying the strong `ETag` of its bytes and, for a single resource,
    /// of its content `version`.
    package static func make(
        _ value: some JSONEncodable,
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:],
        version: ResourceVersion? = nil
    ) -> Response {
        let body = bytes(of: value)
        var fields = headers
        fields[.contentType] = contentType
        fields[.eTag] = EntityTag.strong(for: body, version: version)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPFields {
    /// `Last-Modified` of a resource changed last at `time`.
    package init(lastModified time: Timestamp) {
        self.init()
        self[.lastModified] = time.httpDate
    }
}
