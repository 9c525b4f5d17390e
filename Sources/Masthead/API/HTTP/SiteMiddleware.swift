import Foundation
import Hummingbird

/// Serves a folder of static files (a front end such as `examples/signal-site`) beside the
/// API, for trying one with one command. The API's routes come first: a file is looked for
/// only when no route answers. A browser asking for a page that does not exist gets the
/// folder's `404.html` with status 404; anything else gets the API's problem document.
/// Files are served with `Cache-Control: no-cache` (and their ETag), so an edit shows at the
/// next load; `404.html` is read once, at start-up.
package struct SiteMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    private let files: FileMiddleware<AppRequestContext, LocalFileSystem>
    /// The folder's `404.html`, read once at start-up.
    private let notFoundPage: [UInt8]?

    package init(folder: String) {
        files = FileMiddleware(
            folder,
            cacheControl: .init([(MediaType(type: .any), [.noCache])]),
            searchForIndexHtml: true
        )
        notFoundPage = FileManager.default.contents(atPath: folder + "/404.html").map { Array($0) }
    }

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await files.handle(request, context: context, next: next)
        } catch let error as HTTPError where error.status == .notFound && Self.wantsAPage(request) {
            guard let page = notFoundPage else { throw error }
            return Response(
                status: .notFound,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: page))
            )
        }
    }

    /// A browser navigating: GET, HTML accepted, not a path of the API.
    private static func wantsAPage(_ request: Request) -> Bool {
        request.method == .get && !request.uri.path.hasPrefix("/v1/")
            && (request.headers[.accept] ?? "").contains("text/html")
    }
}
