import Foundation
import PackagePlugin

/// Embeds the migrations in `Migrations/` (SQLite) and `Migrations/PostgreSQL/` in the
/// target it is applied to, so that adding a migration is adding its `.sql` file: no
/// registry to extend, no resource to name in Package.swift.
///
/// The files are read from the package's folder rather than the target's, which holds Swift
/// only: SwiftPM warns about files in a target that no rule claims.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let sqlite = context.package.directoryURL.appending(path: "Migrations")
        let postgres = sqlite.appending(path: "PostgreSQL")
        let files = try [sqlite, postgres].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: folder.path(percentEncoded: false))
                .filter { !$0.hasPrefix(".") && $0.hasSuffix(".sql") }
                .map { folder.appending(path: $0) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: [output, sqlite, postgres].map { $0.path(percentEncoded: false) },
                // The folders, not their files: SwiftPM keeps a plugin's commands between
                // builds, so a file listed when it existed stops every build once it is gone.
                // A folder changes when a file in it is added, removed or saved by renaming;
                // a file edited in place is not seen until then (MigrationTests says so).
                inputFiles: [sqlite, postgres],
                outputFiles: [output]
            )
        ]
    }
}
