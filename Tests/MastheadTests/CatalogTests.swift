import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct CatalogTests {
    @Test(arguments: AppEngine.available) func platformsAreListedByPositionWithTheirServices(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let response = try await client.get("/v1/platforms")
            #expect(response.status == .ok)
            let json = try response.json
            #expect(json["data"].slugs == ["arion", "spark", "oliver", "stella", "forge", "argus"])
            let arion = json["data"][0]
            #expect(arion["name"].string == "ARION")
            #expect(arion["focus"].string == "Digital Presence & Branding")
            #expect(arion["position"].int == 1)
            #expect(
                arion["services"]
                    == .array([.object(["slug": .string("build-your-brand"), "title": .string("Build Your Brand")])])
            )
            #expect(
                arion.keys == ["id", "slug", "name", "focus", "tagline", "description", "url", "position", "services"]
            )
            #expect(json["data"][5]["services"].slugs == ["build-your-foundation", "build-your-engine"])
            #expect(json["meta"]["pagination"]["total"].int == 6)
        }
    }

    @Test(arguments: AppEngine.available) func servicesAreListedByPositionWithTheirPlatforms(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let json = try await client.get("/v1/services").json
            #expect(
                json["data"].slugs == [
                    "build-your-brand", "build-your-foundation", "build-your-clarity", "build-your-engine",
                ]
            )
            let brand = json["data"][0]
            #expect(brand["subtitle"].string == "Presence, Visibility & Growth")
            #expect(
                brand["platforms"]
                    == .array([
                        .object(["slug": .string("arion"), "name": .string("ARION")]),
                        .object(["slug": .string("spark"), "name": .string("SPARK")]),
                    ])
            )
            #expect(brand.keys == ["id", "slug", "title", "subtitle", "description", "position", "platforms"])
        }
    }

    @Test(arguments: AppEngine.available) func showsOnePlatformAndOneServiceOr404(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            #expect(
                try await client.get("/v1/platforms/stella").json["data"]["focus"].string
                    == "Data Intelligence & Analytics"
            )
            #expect(
                try await client.get("/v1/services/build-your-clarity").json["data"]["platforms"].slugs == ["stella"]
            )
            let platform = try await client.get("/v1/platforms/nope")
            #expect(platform.status == .notFound)
            #expect(try platform.json["detail"].string == "No platform with slug 'nope'.")
            #expect(try await client.get("/v1/services/nope").status == .notFound)
        }
    }

    @Test(arguments: AppEngine.available) func catalogIsTheSitePlatformsAndServicesInOneResponse(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let catalog = try await client.get("/v1/catalog").json["data"]
            #expect(catalog.keys == ["site", "platforms", "services"])
            #expect(catalog["site"]["title"].string == "Signal")
            #expect(catalog["platforms"].slugs == ["arion", "spark", "oliver", "stella", "forge", "argus"])
            #expect(catalog["services"].slugs.count == 4)
            #expect(catalog["services"][3]["platforms"].slugs == ["stella", "forge", "argus"])
        }
    }

    @Test(arguments: AppEngine.available) func siteSettingsAreServed(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let site = try await client.get("/v1/site").json["data"]
            #expect(site.keys == ["title", "description", "tagline", "url", "locale", "timezone"])
            #expect(site["title"].string == "Signal")
            #expect(site["url"].string == "https://signal.example.com")
        }
    }

    @Test(arguments: AppEngine.available) func aNewDatabaseServesPlaceholderSiteSettingsAndAnEmptyCatalog(
        engine: AppEngine
    ) async throws {
        try await withApp(on: engine) { client, _ async throws in
            #expect(try await client.get("/v1/site").json["data"]["title"].string == "Untitled publication")
            let catalog = try await client.get("/v1/catalog").json["data"]
            #expect(catalog["platforms"].array.isEmpty)
            #expect(catalog["services"].array.isEmpty)
        }
    }

    @Test(arguments: AppEngine.available) func catalogEndpointsTakeNoFiltersAndOnlyPagesOnLists(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            #expect(try await client.get("/v1/catalog?page=1").status == .badRequest)
            #expect(try await client.get("/v1/site?x=1").status == .badRequest)
            #expect(try await client.get("/v1/platforms?sort=name").status == .badRequest)
            #expect(
                try await client.get("/v1/services?limit=2&page=2").json["data"].slugs == [
                    "build-your-clarity", "build-your-engine",
                ]
            )
        }
    }
}
