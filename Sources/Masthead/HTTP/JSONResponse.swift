import Hummingbird

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

enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func encode(_ value: some JSONEncodable) -> ByteBuffer {
        var writer = JSONWriter()
        value.encode(to: &writer)
        return ByteBuffer(bytes: writer.bytes)
    }

    static func make(_ value: some JSONEncodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: .init(byteBuffer: encode(value)))
    }
}
