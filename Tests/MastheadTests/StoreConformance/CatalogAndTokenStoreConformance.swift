import Testing

@testable import Masthead
@testable import MastheadDomain

/// `CatalogStore` as every engine must implement it.
@Suite struct CatalogStoreConformance {
    static func platform(_ slug: String, position: Int? = nil, services: [String] = []) -> PlatformInput {
        PlatformInput(
            slug: .given(Slug(slug)),
            name: slug.uppercased(),
            focus: "Focus of \(slug)",
            tagline: "Tagline of \(slug)",
            description: "About \(slug).",
            position: position,
            services: services.map(Slug.init)
        )
    }

    static func service(_ slug: String, platforms: [String] = []) -> ServiceInput {
        ServiceInput(
            slug: .given(Slug(slug)),
            title: slug.capitalized,
            subtitle: "Subtitle of \(slug)",
            description: "About \(slug).",
            position: nil,
            platforms: platforms.map(Slug.init)
        )
    }

    @Test(arguments: StoreEngine.all(.catalog))
    func linksAreWrittenFromEitherSideAndReadFromBoth(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        defer { withExtendedLifetime(fixture) {} }
        let catalog = fixture.stores.catalog
        _ = try await catalog.platforms.create(Self.platform("arion"))
        _ = try await catalog.platforms.create(Self.platform("spark"))
        let brand = try await catalog.services.create(Self.service("build-your-brand", platforms: ["spark", "arion"]))
        // Platforms come in position order, whatever order the body named them in.
        #expect(brand.platforms.map(\.slug) == ["arion", "spark"])
        let replaced = try await catalog.platforms.replace(
            slug: Slug("arion"),
            with: Self.platform("arion", services: []),
            expectedRevision: 1
        )
        #expect(replaced.services.isEmpty && replaced.revision == 2)
        #expect(try await catalog.services.find(slug: Slug("build-your-brand")).platforms.map(\.slug) == ["spark"])

        let whole = try await catalog.catalog()
        #expect(whole.platforms.map(\.slug) == ["arion", "spark"])
        #expect(whole.services.map(\.slug) == ["build-your-brand"])
        #expect(whole.platforms[1].services.map(\.slug) == ["build-your-brand"])
    }

    @Test(arguments: StoreEngine.all(.catalog))
    func unknownLinksAreNamedAndNothingIsWritten(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        defer { withExtendedLifetime(fixture) {} }
        let catalog = fixture.stores.catalog
        _ = try await catalog.services.create(Self.service("real"))
        await #expect(
            throws: StoreError.missingReferences([MissingReference(field: "services", index: 1, slug: "nope")])
        ) {
            _ = try await catalog.platforms.create(Self.platform("arion", services: ["real", "nope"]))
        }
        #expect(try await catalog.platforms.list(PageRequest(number: 1, limit: 10)).total == 0)
        #expect(try await catalog.platforms.existing(among: [Slug("arion")]) == [])
    }

    @Test(arguments: StoreEngine.all(.catalog))
    func positionsOrderTheCatalogAndNewOnesGoLast(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        defer { withExtendedLifetime(fixture) {} }
        let catalog = fixture.stores.catalog
        _ = try await catalog.platforms.create(Self.platform("second", position: 20))
        _ = try await catalog.platforms.create(Self.platform("first", position: 10))
        let last = try await catalog.platforms.create(Self.platform("last"))
        #expect(last.position == 21)
        let page = try await catalog.platforms.list(PageRequest(number: 1, limit: 2))
        #expect(page.items.map(\.slug) == ["first", "second"] && page.total == 3)
        try await catalog.platforms.delete(slug: Slug("second"), expectedRevision: nil)
        #expect(
            try await catalog.platforms.list(PageRequest(number: 1, limit: 5)).items.map(\.slug) == ["first", "last"]
        )
    }

    /// A replace that leaves the position out keeps the one the resource has; one that
    /// names it moves it.
    @Test(arguments: StoreEngine.all(.catalog))
    func aReplaceWithoutAPositionKeepsIt(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        defer { withExtendedLifetime(fixture) {} }
        let services = fixture.stores.catalog.services
        _ = try await services.create(Self.service("first"))
        _ = try await services.create(Self.service("second"))
        let kept = try await services.replace(slug: Slug("first"), with: Self.service("first"), expectedRevision: nil)
        #expect(kept.position == 1 && kept.revision == 2)
        var moved = Self.service("first")
        moved.position = 5
        #expect(try await services.replace(slug: Slug("first"), with: moved, expectedRevision: nil).position == 5)
    }

    @Test(arguments: StoreEngine.all(.catalog))
    func theSiteIsReplacedWholeUnderItsRevision(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        defer { withExtendedLifetime(fixture) {} }
        let catalog = fixture.stores.catalog
        let before = try await catalog.site()
        let input = SiteInput(
            title: "Signal",
            description: "Notes",
            url: "https://example.com",
            locale: "en",
            timezone: "Europe/Berlin"
        )
        let after = try await catalog.replaceSite(with: input, expectedRevision: before.revision)
        #expect(after.title == "Signal" && after.timezone == "Europe/Berlin" && after.revision == before.revision + 1)
        await #expect(throws: StoreError.revisionChanged) {
            try await catalog.replaceSite(with: input, expectedRevision: before.revision)
        }
        #expect(try await catalog.site() == after)
    }
}

/// `TokenStore` as every engine must implement it.
@Suite struct TokenStoreConformance {
    /// Instances starting together with `--demo` on an empty database: one token between them.
    @Test(arguments: StoreEngine.all(.tokens))
    func theFirstTokenIsMadeOnceHoweverManyAskAtOnce(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let tokens = fixture.stores.tokens
        let made = try await withThrowingTaskGroup { group in
            for _ in 0..<10 {
                group.addTask { try await tokens.createFirst(name: "demo", scopes: [.admin]) }
            }
            return try await group.reduce(into: [APIToken]()) { made, result in
                if let (token, _) = result { made.append(token) }
            }
        }
        #expect(made.count == 1)
        #expect(try await tokens.list().map(\.name) == ["demo"])
        #expect(try await tokens.authenticate(try #require(made.first))?.scope == .admin)
        #expect(try await tokens.createFirst(name: "again", scopes: [.admin])?.1 == nil)
    }

    @Test(arguments: StoreEngine.all(.tokens))
    func aTokenAuthenticatesUntilRevokedOrExpired(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let tokens = fixture.stores.tokens
        let (token, info) = try await tokens.create(name: "ci", scopes: [.contentWrite], expiresAt: nil)
        let (shortLived, _) = try await tokens.create(
            name: "short",
            scopes: [.admin],
            expiresAt: fixture.clock.now.adding(seconds: 60)
        )
        #expect(try await tokens.authenticate(token)?.name == "ci")
        #expect(try await tokens.authenticate(shortLived)?.scope == .admin)
        #expect(try await tokens.authenticate(APIToken.generate()) == nil)

        fixture.clock.advance(seconds: 61)
        #expect(try await tokens.authenticate(shortLived) == nil)
        let revoked = try await tokens.revoke(id: info.id)
        #expect(revoked.revokedAt != nil)
        #expect(try await tokens.authenticate(token) == nil)
        #expect(try await tokens.list().map(\.name).sorted() == ["ci", "short"])
        await #expect(throws: StoreError.notFound(resource: .token, slug: "999")) {
            try await tokens.revoke(id: 999)
        }
    }
}
