import Hummingbird
import Logging

/// Gives every request an id, echoed in `X-Request-ID` on every response and attached to
/// its log lines. A client's own id is kept when it is sane: 1 to 128 characters of
/// letters, digits and `-_.:`; anything else is replaced, never echoed.
package struct RequestIDMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let id = request.headers[.xRequestID].flatMap { Self.isSane($0) ? $0 : nil } ?? Self.makeID()
        var context = context
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.xRequestID] = id
        return response
    }

    package static func isSane(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                    UInt8(ascii: ":"):
                    true
                default:
                    false
                }
            }
    }

    /// 128 random bits as 32 hex digits.
    package static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
