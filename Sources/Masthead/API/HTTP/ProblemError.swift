import Hummingbird
import MastheadDomain
import MastheadStorage

/// An error the API answers with an RFC 9457 problem document. Everything a client can get
/// wrong is one of these; anything else thrown becomes a 500 that says nothing internal.
public struct ProblemError: Error, Sendable {
    public let status: HTTPResponse.Status
    /// A stable, machine-readable reason (`not_found`, `invalid_parameter`, …).
    public let code: String
    public let detail: String
    public var headers: HTTPFields = [:]
    /// For 422: every problem with the body.
    public var errors: [FieldError] = []

    public init(
        status: HTTPResponse.Status,
        code: String,
        detail: String,
        headers: HTTPFields = [:],
        errors: [FieldError] = []
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
        self.errors = errors
    }

    public static func invalidParameter(_ name: String, _ detail: String, code: String = "invalid_parameter")
        -> ProblemError
    {
        ProblemError(status: .badRequest, code: code, detail: "Query parameter '\(name)': \(detail)")
    }

    public static func unknownParameter(_ name: String, allowed: [String]) -> ProblemError {
        let list = allowed.isEmpty ? "none" : allowed.joined(separator: ", ")
        return ProblemError(
            status: .badRequest,
            code: "unknown_parameter",
            detail: "Unknown query parameter '\(name)'. Allowed here: \(list)."
        )
    }

    public static func routeNotFound(_ method: HTTPRequest.Method, _ path: String) -> ProblemError {
        ProblemError(status: .notFound, code: "not_found", detail: "No route for \(method) \(path).")
    }

    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> ProblemError {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return ProblemError(
            status: .methodNotAllowed,
            code: "method_not_allowed",
            detail: "\(method) is not allowed here; use \(allow).",
            headers: [.allow: allow]
        )
    }

    public static func tokenRequired(_ detail: String) -> ProblemError {
        ProblemError(
            status: .unauthorized,
            code: "unauthorized",
            detail: detail,
            headers: [.wwwAuthenticate: "Bearer"]
        )
    }

    package static func from(_ error: StoreError) -> ProblemError {
        switch error {
        case .notFound(let resource, let key) where resource.isNumbered:
            ProblemError(status: .notFound, code: "not_found", detail: "No \(resource) \(key).")
        case .notFound(let resource, let slug):
            ProblemError(status: .notFound, code: "not_found", detail: "No \(resource) with slug '\(slug)'.")
        case .conflict(let code, let detail):
            ProblemError(status: .conflict, code: code, detail: detail)
        case .revisionChanged:
            preconditionFailed
        case .missingReferences(let references):
            from(ValidationFailure(errors: references.map(unknownReference)))
        case .queryTimedOut(let limit):
            ProblemError(
                status: .serviceUnavailable,
                code: "query_timeout",
                detail: "The query ran past its \(limit.nanoseconds / 1_000_000) ms budget and was stopped; "
                    + "narrow it (fewer words, longer prefixes) and try again.",
                headers: [.retryAfter: "1"]
            )
        case .outOfRange(let what):
            ProblemError(
                status: .conflict,
                code: "out_of_range",
                detail: "The \(what) has reached the largest value Masthead keeps; nothing was changed."
            )
        }
    }

    /// `507` when the storage is full (the write changed nothing; retry once space returns),
    /// `503` when the database cannot be reached; both with `Retry-After`.
    package static func from(_ failure: DatabaseFailure) -> ProblemError {
        switch failure {
        case .full:
            ProblemError(
                status: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"),
                code: "storage_full",
                detail:
                    "The server's storage is full: nothing was changed. Reads still work; try the write again later.",
                headers: [.retryAfter: "30"]
            )
        case .unavailable:
            ProblemError(
                status: .serviceUnavailable,
                code: "database_unavailable",
                detail: "The database cannot be reached just now; try again shortly.",
                headers: [.retryAfter: "2"]
            )
        }
    }

    package static func unknownReference(_ reference: MissingReference) -> FieldError {
        FieldError(
            pointer: FieldReader.pointer(reference.field, index: reference.index),
            code: "unknown_reference",
            detail: "\(reference.field) names '\(reference.slug)', which does not exist"
        )
    }

    package static func from(_ failure: ValidationFailure) -> ProblemError {
        let count = failure.errors.count
        return ProblemError(
            status: .unprocessableContent,
            code: "validation_failed",
            detail: count == 1 ? "The body has 1 problem." : "The body has \(count) problems.",
            errors: failure.errors
        )
    }

    package static let preconditionFailed = ProblemError(
        status: .preconditionFailed,
        code: "precondition_failed",
        detail: "The resource has changed since the ETag in If-Match; fetch it again and retry."
    )
}

/// The body of a problem response.
package struct ProblemDocument: JSONEncodable {
    package let title: String
    package let status: Int
    package let detail: String
    package let code: String
    package let requestID: String
    package let errors: [FieldError]

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("type", "about:blank")
            object.field("title", title)
            object.field("status", status)
            object.field("detail", detail)
            object.field("code", code)
            object.field("request_id", requestID)
            if !errors.isEmpty {
                object.field("errors", errors)
            }
        }
    }
}

extension FieldError: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("pointer", pointer)
            object.field("code", code)
            object.field("detail", detail)
        }
    }
}
