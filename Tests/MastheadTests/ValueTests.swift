import Testing

@testable import Masthead

@Suite struct SlugTests {
    @Test(arguments: ["go", "go-in-production", "a1-b2-c3", String(repeating: "a", count: 96)])
    func validSlugsParse(_ text: String) {
        #expect(Slug(parsing: text)?.value == text)
    }

    @Test(arguments: [
        "", "Go", "-go", "go-", "go--fast", "go fast", "gö", "go_fast", String(repeating: "a", count: 97),
    ])
    func invalidSlugsAreRefused(_ text: String) {
        #expect(Slug(parsing: text) == nil)
    }

    @Test func slugsDerivedFromTitlesAreASCIIFolded() {
        #expect(Slug(derivingFrom: "Café Déjà Vu")?.value == "cafe-deja-vu")
        #expect(Slug(derivingFrom: "  Go in Production!  ")?.value == "go-in-production")
        #expect(Slug(derivingFrom: "Straße & Co.")?.value == "strasse-and-co")
        #expect(Slug(derivingFrom: "!!!") == nil)
        let long = Slug(derivingFrom: String(repeating: "word ", count: 40))
        #expect(long.map { $0.value.count <= 96 && !$0.value.hasSuffix("-") } == true)
    }
}

@Suite struct TimestampTests {
    @Test func formatsAsRFC3339UTC() {
        #expect(Timestamp(secondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(secondsSinceEpoch: 1_795_858_200).rfc3339 == "2026-11-28T09:30:00Z")
    }

    @Test func parsesDateTimesWithOffsetsAndDates() {
        #expect(Timestamp(rfc3339: "2026-11-28T09:30:00Z")?.secondsSinceEpoch == 1_795_858_200)
        #expect(Timestamp(rfc3339: "2026-11-28T10:30:00.250+01:00")?.rfc3339 == "2026-11-28T09:30:00Z")
        #expect(Timestamp(rfc3339: "2026-11-28")?.rfc3339 == "2026-11-28T00:00:00Z")
        #expect(Timestamp(rfc3339: "2024-02-29")?.rfc3339 == "2024-02-29T00:00:00Z")
    }

    @Test(arguments: [
        "", "yesterday", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-28T25:00:00Z", "2026-11-28T09:30Z",
        "2026-11-28T09:30:00",
    ])
    func refusesWhatIsNotRFC3339(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}

@Suite struct SearchQueryTests {
    @Test func everyTermIsQuotedSoInputIsNeverFTSSyntax() {
        #expect(SearchQuery(parsing: "go api")?.matchExpression == #""go" AND "api""#)
        #expect(SearchQuery(parsing: #""graceful shutdown""#)?.matchExpression == #""graceful shutdown""#)
        #expect(SearchQuery(parsing: "observ*")?.matchExpression == #"("observ"* OR "obse"*)"#)
        #expect(SearchQuery(parsing: "go*")?.matchExpression == #""go"*"#)
        #expect(SearchQuery(parsing: "AND")?.matchExpression == #""AND""#)
        #expect(SearchQuery(parsing: "NEAR(")?.matchExpression == #""NEAR(""#)
        #expect(SearchQuery(parsing: "c'est")?.matchExpression == #""c'est""#)
    }

    @Test func plainWordsAlsoMatchTheirRootAsAPrefix() {
        #expect(SearchQuery(parsing: "deploying")?.matchExpression == #"("deploying" OR "deplo"*)"#)
        #expect(SearchQuery.root(of: "deployment") == "deplo")
        #expect(SearchQuery.root(of: "shutdown") == nil)
        #expect(SearchQuery.root(of: "Services") == "servic")
        #expect(SearchQuery.root(of: "tags") == nil)
    }

    @Test(arguments: ["", "   ", "\"", "*", "\"\"", "-- ;"])
    func queriesWithoutWordsAreRefused(_ text: String) {
        #expect(SearchQuery(parsing: text) == nil)
    }
}
