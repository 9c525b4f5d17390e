import Foundation

// Writes the Swift source that embeds every migration in the binary: run by the
// EmbedMigrations build plugin as `MigrationEmbedder OUTPUT SQLITE_FOLDER POSTGRES_FOLDER`.
// Each folder's `.sql` files become one list of (identifier, SQL), in name order, so a new
// migration is its file and nothing else.

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: MigrationEmbedder OUTPUT SQLITE_FOLDER POSTGRES_FOLDER\n".utf8))
    exit(64)
}
let output = URL(fileURLWithPath: arguments[arguments.startIndex])
let folders = [
    ("sqliteFiles", URL(fileURLWithPath: arguments[arguments.startIndex + 1])),
    ("postgresFiles", URL(fileURLWithPath: arguments[arguments.startIndex + 2])),
]

/// `text` as a raw string literal whose delimiter no run of `#` inside it can close.
func rawLiteral(_ text: String) -> String {
    var longest = 0
    var run = 0
    for character in text {
        run = character == "#" ? run + 1 : 0
        longest = max(longest, run)
    }
    let hashes = String(repeating: "#", count: longest + 1)
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

var source = """
    // Made by the EmbedMigrations build plugin from the `.sql` files in Migrations/ and
    // Migrations/PostgreSQL/; never edited, never in git.

    extension MastheadMigrations {

    """
/// The folder's migration files in order, or why they cannot be: each named
/// `NNNN_verb_noun.sql`, numbered 1, 2, 3… with no gap and no number twice (two branches that
/// each add the next number must not both land unnoticed). Hidden files are not migrations.
func migrations(in folder: URL) throws -> [String] {
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { !$0.hasPrefix(".") && $0.lowercased().hasSuffix(".sql") }
        .sorted()
    for (index, file) in files.enumerated() {
        guard file.wholeMatch(of: /[0-9]{4}(_[a-z]+){2,}\.sql/) != nil else {
            throw Refused("\(folder.lastPathComponent)/\(file): a migration is named NNNN_verb_noun.sql")
        }
        let expected = String(format: "%04d", index + 1)
        guard file.hasPrefix(expected + "_") else {
            let previous = index > 0 ? " (after \(files[index - 1]))" : ""
            throw Refused(
                "\(folder.lastPathComponent)/\(file)\(previous): expected number \(expected); numbers go 0001, 0002, … with no gap and none twice"
            )
        }
    }
    return files
}

struct Refused: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

do {
    for (name, folder) in folders {
        let files = try migrations(in: folder)
        source += "    static let \(name): [(identifier: String, sql: String)] = [\n"
        for file in files {
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            source += "(\"\(file.dropLast(4))\", \(rawLiteral(sql))),\n"
        }
        source += "    ]\n"
    }
    source += "}\n"
    try Data(source.utf8).write(to: output, options: .atomic)
} catch {
    FileHandle.standardError.write(Data("MigrationEmbedder: \(error)\n".utf8))
    exit(1)
}
