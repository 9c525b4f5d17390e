import Foundation
import Hummingbird
import MastheadDomain
import NIOCore

package enum RequestBody {
    /// The largest body a write accepts.
    package static let maximumBytes = 1 << 20

    /// The request's body as a JSON object: 415 unless it is declared JSON, 413 past
    /// 1 MiB (from `Content-Length` before reading anything, or as soon as the streamed
    /// body passes the limit), 400 when it is not a well-formed JSON object.
    package static func object(of request: Request) async throws -> JSONObject {
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

    /// The body as `object(of:)` reads it, or an empty object when the request sends none
    /// (no `Content-Type` and no length), for writes whose every field is optional.
    package static func optionalObject(of request: Request) async throws -> JSONObject {
        guard request.headers[.contentType] != nil || (request.headers[.contentLength] ?? "0") != "0" else {
            return [:]
        }
        return try await object(of: request)
    }

    private static let tooLarge = ProblemError(
        status: .contentTooLarge,
        code: "payload_too_large",
        detail: "The body is larger than 1 MiB."
    )

    /// `application/json`, `application/merge-patch+json` or any other `+json` type.
    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = HeaderParameters.type(of: contentType)
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
