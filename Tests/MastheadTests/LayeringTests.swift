import Foundation
import MastheadTestSupport
import Testing

/// Masthead is four layers, each depending only on those before it:
/// Domain ← Storage ← API ← App (ARCHITECTURE.md). Domain and Storage are targets
/// (`MastheadDomain`; `MastheadStorage` and its engines `MastheadSQLite` and
/// `MastheadPostgres`), so the compiler holds them to their dependencies. API and App are
/// folders of one module, `Sources/Masthead`, which depends on all of them; these tests hold
/// the line it cannot: the API imports no engine and no database module (it reaches storage
/// through the store protocols only), and names no type of App.
@Suite struct LayeringTests {
    static let layers = ["API", "App"]

    /// Module-name prefixes a layer must not import.
    static let forbiddenImports: [String: [String]] = [
        "API": [
            "GRDB", "MastheadMigrations", "PostgresNIO", "MastheadSQLite",
            "MastheadPostgres", "Configuration",
        ],
        "App": [],
    ]

    static let sourcesRoot = packageRoot.appendingPathComponent("Sources/Masthead")

    struct SourceFile {
        let path: String
        let layer: String?
        let text: String

        /// The code without comments: a name in a doc comment is not a dependency.
        var code: String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                let trimmed = line.drop { $0 == " " }
                if trimmed.hasPrefix("//") { return "" }
                if let comment = line.range(of: " // ") { return String(line[..<comment.lowerBound]) }
                return String(line)
            }.joined(separator: "\n")
        }

        var imports: [String] {
            text.split(separator: "\n").compactMap { line in
                line.hasPrefix("import ") ? String(line.dropFirst("import ".count)) : nil
            }
        }
    }

    static func sourceFiles() throws -> [SourceFile] {
        let enumerator = FileManager.default.enumerator(at: sourcesRoot, includingPropertiesForKeys: nil)
        var files: [SourceFile] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let relative = String(url.path.dropFirst(sourcesRoot.path.count + 1))
            let top = relative.split(separator: "/").first.map(String.init)
            files.append(
                SourceFile(
                    path: relative,
                    layer: layers.contains(top ?? "") && relative.contains("/") ? top : nil,
                    text: try String(contentsOf: url, encoding: .utf8)
                )
            )
        }
        return files.sorted { $0.path < $1.path }
    }

    @Test func everySourceFileIsInALayer() throws {
        let files = try Self.sourceFiles()
        #expect(files.count > 50)
        #expect(files.filter { $0.layer == nil }.map(\.path) == [])
    }

    @Test func noLayerImportsWhatIsAboveIt() throws {
        var violations: [String] = []
        for file in try Self.sourceFiles() {
            guard let layer = file.layer else { continue }
            for module in file.imports where Self.forbiddenImports[layer, default: []].contains(where: module.hasPrefix)
            {
                violations.append("\(file.path) imports \(module)")
            }
        }
        #expect(violations == [])
    }

    /// Top-level types declared in a layer, by name (private ones are the file's own
    /// business; nested ones are named through their parent).
    static func declaredTypes(in files: [SourceFile]) -> [String: String] {
        let declaration =
            /^(?:public |internal |package )?(?:final )?(?:struct|enum|class|protocol|actor|typealias) ([A-Z][A-Za-z0-9_]*)/
        var layerOf: [String: String] = [:]
        for file in files {
            guard let layer = file.layer else { continue }
            for line in file.code.split(separator: "\n") {
                if let match = String(line).firstMatch(of: declaration) { layerOf[String(match.1)] = layer }
            }
        }
        return layerOf
    }

    @Test func noLayerNamesATypeOfALayerAboveIt() throws {
        let files = try Self.sourceFiles()
        let layerOf = Self.declaredTypes(in: files)
        var violations: [String] = []
        for file in files {
            guard let layer = file.layer, let rank = Self.layers.firstIndex(of: layer) else { continue }
            let names = Set(file.code.matches(of: /[A-Z][A-Za-z0-9_]*/).map { String($0.output) })
            for name in names.sorted() {
                guard let owner = layerOf[name], let ownerRank = Self.layers.firstIndex(of: owner) else { continue }
                if ownerRank > rank { violations.append("\(file.path) (\(layer)) uses \(name) (\(owner))") }
            }
        }
        #expect(violations == [])
    }
}
