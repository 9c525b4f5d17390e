import Foundation
import Hummingbird
import NIOCore

/// A JSON document as a client sent it, before validation.
enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// How a field's type is named in error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

typealias JSONObject = [String: JSONValue]

extension JSONObject {
    /// RFC 7396 JSON merge patch of a flat document: each member of `patch` replaces the
    /// member of the same name, and `null` removes it.
    func merging(patch: JSONObject) -> JSONObject {
        var result = self
        for (key, value) in patch {
            result[key] = value == .null ? nil : value
        }
        return result
    }
}

enum RequestBody {
    /// The largest body a write accepts.
    static let maximumBytes = 1 << 20

    /// The request's body as a JSON object: 415 unless it is declared JSON, 413 past
    /// 1 MiB (from `Content-Length` before reading anything, or as soon as the streamed
    /// body passes the limit), 400 when it is not a well-formed JSON object.
    static func object(of request: Request) async throws -> JSONObject {
        guard let contentType = request.headers[.contentType], isJSON(contentType) else {
            throw ProblemError(
                status: .unsupportedMediaType,
                code: "unsupported_media_type",
                detail: "Send the body as JSON, with Content-Type: application/json."
            )
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBytes {
            throw tooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ProblemError(status: .badRequest, code: "malformed_json", detail: "The body is not well-formed JSON.")
        }
        guard case .object(let object) = value else {
            throw ProblemError(status: .badRequest, code: "malformed_json", detail: "The body must be a JSON object.")
        }
        return object
    }

    private static let tooLarge = ProblemError(
        status: .contentTooLarge,
        code: "payload_too_large",
        detail: "The body is larger than 1 MiB."
    )

    /// `application/json`, `application/merge-patch+json` or any other `+json` type.
    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = (contentType.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(
            in: .whitespaces
        ).lowercased()
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
