import Foundation
import HTTPTypes
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// `masthead serve --site DIR`: a folder of static files beside the API.
@Suite struct SiteServingTests {
    /// A small site: an index, a script, a 404 page, and files named like API paths.
    static func site(in folder: TemporaryFolder) throws -> String {
        let root = folder.url.appendingPathComponent("site")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("js"),
            withIntermediateDirectories: true
        )
        try Data("<h1>Home</h1>".utf8).write(to: root.appendingPathComponent("index.html"))
        try Data("export {};".utf8).write(to: root.appendingPathComponent("js/app.js"))
        try Data("<h1>Lost</h1>".utf8).write(to: root.appendingPathComponent("404.html"))
        try Data("shadow".utf8).write(to: root.appendingPathComponent("healthz"))
        return root.path
    }

    @Test func theSiteIsServedBesideTheAPIWhoseRoutesComeFirst() async throws {
        let folder = try TemporaryFolder()
        let site = try Self.site(in: folder)
        try await withApp(demo: true, configure: { $0.siteFolder = site }) { client, _ async throws in
            let home = try await client.get("/")
            #expect(home.status == .ok)
            #expect(home.text == "<h1>Home</h1>")
            #expect(home.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(home.headers[.cacheControl] == "no-cache")
            let script = try await client.get("/js/app.js")
            #expect(script.status == .ok)
            #expect(script.headers[.contentType]?.contains("javascript") == true)
            let etag = try #require(script.headers[.eTag])
            #expect(try await client.get("/js/app.js", headers: [.ifNoneMatch: etag]).status == .notModified)

            // A file named like a route does not shadow it.
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.text != "shadow")
            #expect(try await client.get("/v1/site").json["data"]["title"].string == "Signal")
        }
    }

    @Test func aMissingPageIsTheSites404ForBrowsersAndAProblemForEveryoneElse() async throws {
        let folder = try TemporaryFolder()
        let site = try Self.site(in: folder)
        try await withApp(configure: { $0.siteFolder = site }) { client, _ async throws in
            let page = try await client.get("/no-such-page", headers: [.accept: "text/html,*/*;q=0.8"])
            #expect(page.status == .notFound)
            #expect(page.text == "<h1>Lost</h1>")
            let problem = try await client.get("/no-such-page")
            #expect(problem.status == .notFound)
            #expect(problem.headers[.contentType] == "application/problem+json")
            // An API path stays the API's, even from a browser.
            let article = try await client.get("/v1/articles/nope", headers: [.accept: "text/html"])
            #expect(article.headers[.contentType] == "application/problem+json")
            #expect(try article.json["code"].string == "not_found")
        }
    }

    @Test func nothingOutsideTheFolderIsServed() async throws {
        let folder = try TemporaryFolder()
        let site = try Self.site(in: folder)
        try Data("secret".utf8).write(to: folder.url.appendingPathComponent("outside.txt"))
        try await withApp(configure: { $0.siteFolder = site }) { client, _ async throws in
            for path in ["/../outside.txt", "/%2e%2e/outside.txt", "/js/..%2f..%2foutside.txt"] {
                let response = try await client.get(path)
                #expect(response.status.code >= 400, "\(path)")
                #expect(!response.text.contains("secret"), "\(path)")
            }
        }
    }

    @Test func withoutSiteNothingIsServedFromDisk() async throws {
        try await withApp { client, _ async throws in
            let response = try await client.get("/", headers: [.accept: "text/html"])
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func aSiteThatIsNotAFolderIsRefusedAtStartUp() async throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("file.txt")
        try Data().write(to: file)
        for path in [file.path, folder.url.appendingPathComponent("missing").path] {
            await #expect {
                _ = try await resolveConfiguration([.site: path])
            } throws: { error in
                (error as? AppConfiguration.Invalid)?.description
                    == "invalid site '\(path)': expected a folder of static files"
            }
        }
        #expect(try await resolveConfiguration([.site: folder.url.path]).siteFolder == folder.url.path)
    }
}
