import Crypto
import Foundation
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

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

    /// Only years 0001–9999 in UTC: every stored time has four year digits and so sorts as
    /// text the way the instants sort.
    @Test func instantsOutsideYears0001To9999InUTCAreOutOfRange() throws {
        #expect(Timestamp.parse(rfc3339: "9999-12-31T23:59:59-01:00") == .outOfRange)
        #expect(Timestamp.parse(rfc3339: "0001-01-01T00:30:00+01:00") == .outOfRange)
        #expect(Timestamp.parse(rfc3339: "0000-06-01T00:00:00Z") == .outOfRange)
        #expect(Timestamp.parse(rfc3339: "10000-01-01T00:00:00Z") == .malformed)
        #expect(Timestamp.parse(rfc3339: "9999-12-31T23:59:59Z") == .instant(.latest))
        #expect(Timestamp.parse(rfc3339: "0001-01-01T00:00:00Z") == .instant(.earliest))
        #expect(Timestamp.latest.rfc3339 == "9999-12-31T23:59:59Z")
        #expect(Timestamp.earliest.rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp.latest.adding(seconds: 1) == .latest, "arithmetic stays in range")
        let times = ["0001-01-01T00:00:00Z", "0999-05-01T00:00:00Z", "2026-11-28T09:30:00Z", "9999-12-31T23:59:59Z"]
            .map { Timestamp(rfc3339: $0)! }
        #expect(times.map(\.rfc3339).sorted() == times.sorted().map(\.rfc3339))
    }

    @Test func decodesAndEncodesAsItsCanonicalText() throws {
        let decoded = try JSONDecoder().decode([Timestamp].self, from: Data(#"["2026-11-28T02:00:00-10:00"]"#.utf8))
        #expect(decoded == [Timestamp(rfc3339: "2026-11-28T12:00:00Z")!])
        #expect(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self) == #"["2026-11-28T12:00:00Z"]"#)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Timestamp].self, from: Data(#"["9999-12-31T23:59:59-01:00"]"#.utf8))
        }
    }
}

@Suite struct SearchQueryTests {
    @Test func everyTermIsQuotedSoInputIsNeverFTSSyntax() throws {
        #expect(try SearchQuery(parsing: "go api")?.matchExpression == #""go" AND "api""#)
        #expect(try SearchQuery(parsing: #""graceful shutdown""#)?.matchExpression == #""graceful shutdown""#)
        #expect(try SearchQuery(parsing: "observ*")?.matchExpression == #"("observ"* OR "obse"*)"#)
        #expect(try SearchQuery(parsing: "go*")?.matchExpression == #""go"*"#)
        #expect(try SearchQuery(parsing: "AND")?.matchExpression == #""AND""#)
        #expect(try SearchQuery(parsing: "NEAR(")?.matchExpression == #""NEAR(""#)
        #expect(try SearchQuery(parsing: "c'est")?.matchExpression == #""c'est""#)
    }

    @Test func plainWordsAlsoMatchTheirRootAsAPrefix() throws {
        #expect(try SearchQuery(parsing: "deploying")?.matchExpression == #"("deploying" OR "deplo"*)"#)
        #expect(SearchQuery.root(of: "deployment") == "deplo")
        #expect(SearchQuery.root(of: "shutdown") == nil)
        #expect(SearchQuery.root(of: "Services") == "servic")
        #expect(SearchQuery.root(of: "tags") == nil)
    }

    @Test(arguments: ["", "   ", "\"", "*", "\"\"", "-- ;"])
    func queriesWithoutWordsAreRefused(_ text: String) throws {
        #expect(try SearchQuery(parsing: text) == nil)
    }

    /// A query's cost is bounded before it runs: 16 words or phrases, prefixes of two
    /// letters or digits at least.
    @Test func tooManyTermsAndOneLetterPrefixesAreRefused() throws {
        let sixteen = (1...16).map { "word\($0)" }.joined(separator: " ")
        #expect(try SearchQuery(parsing: sixteen) != nil)
        #expect(throws: SearchQuery.Refusal.tooManyTerms) { try SearchQuery(parsing: sixteen + " more") }
        let prefixes = "abcdefghijklmnopqrstuvwxyz".map { "\($0)*" }.joined(separator: " ")
        #expect(throws: SearchQuery.Refusal.prefixTooShort("a")) { try SearchQuery(parsing: prefixes) }
        #expect(throws: SearchQuery.Refusal.prefixTooShort("x")) { try SearchQuery(parsing: "go x*") }
        #expect(try SearchQuery(parsing: "go* ab*") != nil)
        #expect(try SearchQuery(parsing: #""a* phrase""#) != nil, "a star inside a phrase is text")
    }
}

/// The text rules request bodies share with `openapi.yaml`'s patterns.
@Suite struct TextRuleTests {
    @Test(arguments: ["", " ", "\t\n", "\u{3000}", "\u{A0}\u{2028}", "\u{1C}\u{1F}", "\u{FEFF}", "\u{85}"])
    func blankTextIsRefused(_ text: String) {
        #expect(TextRules.isBlank(text))
    }

    @Test(arguments: ["a", " a ", "\u{200B}", "\u{1}", "é", "🚀"])
    func textWithAnythingElseIsNotBlank(_ text: String) {
        #expect(!TextRules.isBlank(text))
    }

    @Test func webURLsAreAbsoluteHTTPOfPrintableASCII() {
        for good in [
            "https://a.example", "http://localhost:8080/x?y=1#z", "https://a.example/p%20q", "https://a.example?",
        ] {
            #expect(TextRules.isWebURL(good), "\(good)")
        }
        for bad in [
            "ftp://a.example", "https://", "https://a b", "HTTPS://a.example", "https://a.example/é", "//a.example",
            "javascript:alert(1)", "https://a.example/ x",
        ] {
            #expect(!TextRules.isWebURL(bad), "\(bad)")
        }
    }

    @Test func lengthsCountCodePointsAsJSONSchemaDoes() async throws {
        try await withApp { client, database async throws in
            let token = try await makeToken(database, [.contentWrite])
            // "é" as e + combining accent: one character to Swift, two code points to JSON Schema.
            let combined = String(repeating: "e\u{301}", count: 51)
            let response = try await client.send(.post, "/v1/tags", json: #"{"name":"\#(combined)"}"#, token: token)
            #expect(response.status == .unprocessableContent)
            #expect(try response.json["errors"][0]["code"].string == "too_long")
        }
    }

    @Test func bodyTimesNeedATimeOfDay() {
        #expect(TextRules.hasTimeOfDay("2026-11-28T09:30:00Z"))
        #expect(TextRules.hasTimeOfDay("2026-11-28t09:30:00z"))
        #expect(!TextRules.hasTimeOfDay("2026-11-28"))
        #expect(!TextRules.hasTimeOfDay("2026-11-28 09:30:00Z"))
    }
}

@Suite struct ResourceKindTests {
    /// The names are stored (the webhook outbox), sent (events, messages) and hashed into
    /// ETags: they are the strings the kinds were before they had a type, and never change.
    @Test func eachKindIsNamedAsBefore() {
        #expect(
            ResourceKind.allCases.map(\.rawValue) == [
                "article", "author", "tag", "platform", "service", "site", "token", "webhook", "delivery",
                "revision", "preview link", "media",
            ]
        )
        #expect("\(ResourceKind.previewLink)" == "preview link")
        #expect(ResourceKind.allCases.filter(\.isNumbered) == [.webhook, .delivery, .revision, .previewLink, .media])
    }

    @Test func anETagHashesTheKindsName() {
        var hasher = SHA256()
        hasher.update(data: Array("article/7/3".utf8))
        let expected = Base64URL.encode(Array(hasher.finalize().prefix(9)))
        #expect(ResourceVersion(kind: .article, id: 7, revision: 3).token == expected)
    }
}
