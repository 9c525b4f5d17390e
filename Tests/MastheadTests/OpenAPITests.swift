import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// `openapi.yaml` describes exactly the routes the server has, and is served as compiled in.
@Suite struct OpenAPITests {
    static let specPath = packageRoot.appendingPathComponent("openapi.yaml").path

    /// `METHOD /path` for every operation under `paths:`, read from the document's layout
    /// (two-space path keys, four-space method keys), which the validator test keeps honest.
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOfFile: specPath, encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
            } else if inPaths, let first = line.first, first != " " {
                break
            } else if inPaths, line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if inPaths, let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch"].contains(key) {
                    operations.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return operations
    }

    static func servedOperations() throws -> Set<String> {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let stores = Stores.sqlite(database, clock: .system)
        let counter = ViewCounter(
            store: stores.views,
            clock: .system,
            settings: .init(),
            logger: Logger(label: "t")
        )
        let router = MastheadRouter(
            database: database,
            stores: stores,
            counter: counter,
            cache: ResponseCache(maximumBytes: 0),
            clock: .system
        )
        return Set(
            router.routes.map { route in
                let path = route.path.description.split(separator: "/")
                    .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                    .joined(separator: "/")
                return "\(route.method.rawValue) /\(path)"
            }
        )
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() throws {
        let documented = try Self.documentedOperations()
        let served = try Self.servedOperations()
        #expect(served.subtracting(documented).sorted() == [], "served but not in openapi.yaml")
        #expect(documented.subtracting(served).sorted() == [], "in openapi.yaml but not served")
        #expect(served.count >= 45)
    }

    /// The lines of a schema's `properties:` in `components/schemas`, by property name, in
    /// the document's order (four-space schema keys, eight-space property keys).
    static func properties(ofSchema schema: String) throws -> [(name: String, line: String)] {
        let text = try String(contentsOfFile: specPath, encoding: .utf8)
        var properties: [(name: String, line: String)] = []
        var inSchema = false
        var inProperties = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "    \(schema):" {
                inSchema = true
            } else if inSchema, line.hasPrefix("    "), !line.hasPrefix("     ") {
                break
            } else if inSchema, line == "      properties:" {
                inProperties = true
            } else if inProperties, line.hasPrefix("      "), !line.hasPrefix("       ") {
                inProperties = false
            } else if inProperties, line.hasPrefix("        "), !line.hasPrefix("         "),
                let colon = line.firstIndex(of: ":")
            {
                properties.append((line[..<colon].trimmingCharacters(in: .whitespaces), String(line)))
            }
        }
        return properties
    }

    /// An article's fields as the server serves, selects and reads them (`ArticleField`,
    /// `ArticleInput.fields`, the rules of `ArticleDetails.fields`) are the contract's.
    @Test func theArticleSchemasNameEveryFieldTheServerServesAndReads() throws {
        let served = ArticleField.allCases.map(\.rawValue)
        #expect(try Self.properties(ofSchema: "Article").map(\.name) == served)
        let text = try String(contentsOfFile: Self.specPath, encoding: .utf8)
        let names = "(" + served.joined(separator: "|") + ")"
        let pattern = "pattern: \"^\(names)(,\(names)){0,\(served.count - 1)}$\""
        let listsEveryField = text.contains(pattern)
        let saysHowMany = text.contains("At most \(served.count) names (each field once)")
        #expect(listsEveryField, "ArticleFieldList's pattern lists every served field, in order")
        #expect(saysHowMany, "ArticleFieldList's description says how many")
        try Self.checkInputSchemas(["ArticleInput", "ArticlePatch"], fields: ArticleInput.fields, ArticleDetails.self)
    }

    /// Every resource's JSON has the properties its schema names: none served that the
    /// contract leaves out, and every one it requires (the others are sent when asked for:
    /// an article's bodies with `fields=`, a webhook's secret when it is made).
    @Test func everyResourceServesExactlyItsSchemasProperties() async throws {
        try await withApp(on: .sqlite, demo: true) { client, storage async throws in
            let admin = try await storage.token([.admin], name: "checker")
            let webhook = try await client.send(
                .post,
                "/v1/webhooks",
                json: #"{"url": "https://hooks.example/contract", "events": ["*"]}"#,
                token: admin
            )
            #expect(webhook.status == .created)
            let reads: [(schema: String, path: String, token: String?)] = [
                ("Article", "/v1/articles/\(try await Self.firstSlug(of: "/v1/articles", client))", nil),
                ("Author", "/v1/authors/\(try await Self.firstSlug(of: "/v1/authors", client))", nil),
                ("Tag", "/v1/tags/\(try await Self.firstSlug(of: "/v1/tags", client))", nil),
                ("Platform", "/v1/platforms/\(try await Self.firstSlug(of: "/v1/platforms", client))", nil),
                ("Service", "/v1/services/\(try await Self.firstSlug(of: "/v1/services", client))", nil),
                ("Site", "/v1/site", nil),
                ("TokenInfo", "/v1/tokens/self", admin),
                ("Webhook", "/v1/webhooks/\(try webhook.json["data"]["id"].int ?? 0)", admin),
            ]
            for read in reads {
                let response = try await client.send(.get, read.path, token: read.token)
                #expect(response.status == .ok, "\(read.path)")
                let documented = Set(try Self.properties(ofSchema: read.schema).map(\.name))
                let required = try Self.required(ofSchema: read.schema)
                let served = try response.json["data"].keys
                // An article's fields are each optional (`fields=` picks them).
                #expect(required.isEmpty == (read.schema == "Article"), "\(read.schema)'s required list")
                #expect(required.isSubset(of: documented), "\(read.schema)'s required list")
                #expect(served.subtracting(documented).sorted() == [], "\(read.schema): served, not documented")
                #expect(required.subtracting(served).sorted() == [], "\(read.schema): required, not served")
            }
        }
    }

    /// The names in a schema's `required: [...]` line.
    static func required(ofSchema schema: String) throws -> Set<String> {
        let text = try String(contentsOfFile: specPath, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "    \(schema):" }) else { return [] }
        for line in lines[(start + 1)...] {
            if line.hasPrefix("    "), !line.hasPrefix("     ") { break }
            if line.hasPrefix("      required: [") {
                let names = line.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }
                return Set(names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            }
        }
        return []
    }

    private static func firstSlug(of list: String, _ client: any TestClientProtocol) async throws -> String {
        try #require(try await client.get(list).json["data"][0]["slug"].string, "\(list) has an item")
    }

    /// Authors', tags' and platforms' details are served, and read by the rules the contract
    /// states.
    @Test func theSluggedKindsSchemasNameEveryDetail() throws {
        try Self.checkSchemas("Author", fields: AuthorInput.fields, AuthorDetails.self)
        try Self.checkSchemas("Tag", fields: TagInput.fields, TagDetails.self)
        try Self.checkSchemas("Platform", fields: PlatformInput.fields, PlatformDetails.self)
    }

    /// `kind`'s schema serves each detail; `kindInput` and `kindPatch` take exactly `fields`.
    static func checkSchemas<Owner: Details>(_ kind: String, fields: Set<String>, _ details: Owner.Type) throws {
        let served = try Self.properties(ofSchema: kind).map(\.name)
        #expect(Owner.names.allSatisfy(served.contains), "\(kind)")
        try Self.checkInputSchemas([kind + "Input", kind + "Patch"], fields: fields, details)
    }

    /// `schemas` take exactly `fields`, and each detail with its rule's type and length.
    static func checkInputSchemas<Owner: Details>(_ schemas: [String], fields: Set<String>, _: Owner.Type) throws {
        for schema in schemas {
            let properties = try Self.properties(ofSchema: schema)
            #expect(Set(properties.map(\.name)) == fields, "\(schema)")
            for field in Owner.fields {
                let line = try #require(properties.first { $0.name == field.name }?.line, "\(schema) \(field.name)")
                switch field.rule {
                case .url: #expect(line.contains("NullableURL"), "\(schema) \(field.name)")
                case .text(let maxLength): #expect(line.contains("maxLength: \(maxLength)}"), "\(schema) \(field.name)")
                case .flag: #expect(line.contains(#"{type: [boolean, "null"]}"#), "\(schema) \(field.name)")
                case .number(let range):
                    #expect(
                        line.contains(
                            #"{type: [integer, "null"], minimum: \#(range.lowerBound), maximum: \#(range.upperBound)}"#
                        ),
                        "\(schema) \(field.name)"
                    )
                case .time:
                    #expect(line.contains(#"{type: [string, "null"], format: date-time}"#), "\(schema) \(field.name)")
                }
            }
        }
    }

    @Test func theDocumentIsServedAsCompiledIn() async throws {
        try await withApp { client, _ async throws in
            let response = try await client.get("/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
            #expect(response.headers[.eTag] != nil)
            let file = try Data(contentsOf: URL(fileURLWithPath: Self.specPath))
            #expect(Data(buffer: response.body) == file)
        }
    }

    static var validatorAvailable: Bool {
        (try? run(["python3", "-c", "import openapi_spec_validator"]).status) == 0
    }

    /// Runs when openapi-spec-validator is installed (`.ci/run` installs it).
    @Test(.enabled(if: validatorAvailable, "pip install openapi-spec-validator"))
    func theDocumentIsValidOpenAPI31() throws {
        let result = try Self.run(["python3", "-m", "openapi_spec_validator", Self.specPath])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("OK"))
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let (status, output) = try runToEndBlocking("/usr/bin/env", arguments)
        return (status, output)
    }
}
