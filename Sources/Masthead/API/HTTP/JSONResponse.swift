import Hummingbird
import MastheadDomain

/// `{"data": …}`: how a single resource is served.
struct DataEnvelope<Payload: JSONEncodable>: JSONEncodable {
    let data: Payload

    func encode(to json: inout JSONWriter) {
        json.object { $0.field("data", data) }
    }
}

/// `{"data": [...], "meta": {"pagination": …}}`: how a list is served.
struct ListEnvelope<Item: JSONEncodable>: JSONEncodable {
    let data: [Item]
    let pagination: PaginationMeta

    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("data", data)
            object.field("meta", Meta(pagination: pagination))
        }
    }

    private struct Meta: JSONEncodable {
        let pagination: PaginationMeta

        func encode(to json: inout JSONWriter) {
            json.object { $0.field("pagination", pagination) }
        }
    }
}

/// `{"data": [...], "meta": {...}}` for lists that are not paged.
struct ListWithMeta<Item: JSONEncodable, Meta: JSONEncodable>: JSONEncodable {
    let data: [Item]
    let meta: Meta

    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("data", data)
            object.field("meta", meta)
        }
    }
}

enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func bytes(of value: some JSONEncodable) -> [UInt8] {
        var writer = JSONWriter()
        value.encode(to: &writer)
        return writer.bytes
    }

    static func encode(_ value: some JSONEncodable) -> ByteBuffer {
        ByteBuffer(bytes: bytes(of: value))
    }

    /// A JSON response carrying the strong `ETag` of its bytes and, for a single resource,
    /// of its content `version`.
    static func make(
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
    init(lastModified time: Timestamp) {
        self.init()
        self[.lastModified] = time.httpDate
    }
}
