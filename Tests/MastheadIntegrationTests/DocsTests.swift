import Foundation
import MastheadTestSupport
import Testing

/// The guides in `docs/` and the README cannot rot: every `sh` block with a curl command in
/// it is run, in order, as one script per document, against the real binary serving the
/// demo (with its admin token in `$TOKEN`). A stand-in `curl` sends each request to the test
/// server instead of `localhost:8080` and records its status; each must be a success or
/// redirect, or the status its line's `# → NNN` comment says. Blocks without curl
/// (`masthead …`, `docker …`) are for reading, and so is a block right after a
/// `<!-- not run: why -->` line (the README's webhook walk-through needs a receiver).
@Suite struct DocsTests {
    static let documents = ["README.md", "docs/front-end.md", "docs/integrators.md", "docs/operators.md"]

    /// One curl command of a guide: its text and the status it should answer, if given.
    struct Command: CustomStringConvertible {
        let text: String
        let expected: Int?
        var description: String { text }
    }

    /// The `sh` blocks that run curl, and their curl commands in order.
    static func runnable(_ markdown: String) -> (script: String, commands: [Command]) {
        var blocks: [[String]] = []
        var current: [String]?
        var skipping = false
        var previous = ""
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if current == nil, line.hasPrefix("```sh") {
                current = []
                skipping = previous.hasPrefix("<!-- not run: ")
            } else if let block = current, line.hasPrefix("```") {
                if !skipping { blocks.append(block) }
                current = nil
            } else {
                current?.append(line)
            }
            previous = line
        }
        var script: [String] = []
        var commands: [Command] = []
        for block in blocks {
            let logical = block.reduce(into: [String]()) { lines, line in
                if let last = lines.last, last.hasSuffix("\\") {
                    lines[lines.count - 1] = String(last.dropLast()) + line
                } else {
                    lines.append(line)
                }
            }
            let withCurl = logical.filter { line in
                !line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
                    && line.contains(/(^|[\s;|&(])curl\s/)
            }
            guard !withCurl.isEmpty else { continue }
            script += block
            for line in withCurl {
                let expected = line.firstMatch(of: /#\s*→\s*(\d{3})\s*$/).flatMap { Int($0.output.1) }
                for _ in line.matches(of: /(^|[\s;|&(])curl\s/) {
                    commands.append(Command(text: line, expected: expected))
                }
            }
        }
        return (script.joined(separator: "\n"), commands)
    }

    /// Stands in for curl: the guide's request goes to the test server, and its status
    /// (with curl's exit code) is written to `$MASTHEAD_DOCS_LOG`, one line per command.
    static let curlStandIn = #"""
        #!/usr/bin/env bash
        args=()
        for argument in "$@"; do args+=("${argument//localhost:8080/127.0.0.1:$MASTHEAD_DOCS_PORT}"); done
        errors="$(mktemp)"
        /usr/bin/curl "${args[@]}" --write-out '%{stderr}@@status %{http_code}\n' 2>"$errors"
        code=$?
        status="$(grep '^@@status ' "$errors" | tail -n 1 | cut -d' ' -f2)"
        echo "${status:-000} $code" >> "$MASTHEAD_DOCS_LOG"
        grep -v '^@@status ' "$errors" >&2
        rm -f "$errors"
        exit $code
        """#

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs /usr/bin/curl"),
        .timeLimit(.minutes(3)),
        arguments: documents
    )
    func everyCurlLineOfTheGuideWorksAgainstTheDemo(guide: String) async throws {
        let root = packageRoot
        let markdown = try String(contentsOf: root.appendingPathComponent(guide), encoding: .utf8)
        let (script, commands) = Self.runnable(markdown)
        try #require(commands.count >= 3, "\(guide) shows fewer than three curl commands")

        let folder = try TemporaryFolder()
        let server = try await ServerProcess.serve(["--demo", "--db", folder.databasePath, "--port", "0"])
        let token = try #require(server.startupOutput.firstMatch(of: /mh_[A-Za-z0-9]+/).map { String($0.output) })
        let bin = folder.url.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let standIn = bin.appendingPathComponent("curl")
        try Data(Self.curlStandIn.utf8).write(to: standIn)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standIn.path)
        let log = folder.url.appendingPathComponent("statuses")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["TOKEN"] = token
        environment["MASTHEAD_DOCS_PORT"] = String(server.port)
        environment["MASTHEAD_DOCS_LOG"] = log.path

        let (status, output) = try await runToEnd(
            "/bin/bash",
            ["-c", "set -euo pipefail\n" + script],
            environment: environment,
            directory: folder.url
        )
        #expect(status == 0, "\(guide) stopped with status \(status):\n\(output)")
        let recorded = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map {
            $0.split(separator: " ")
        }
        #expect(recorded.count == commands.count, "\(guide): \(commands.count) curl commands, \(recorded.count) ran")
        for (command, result) in zip(commands, recorded) {
            let answered = Int(result[0]) ?? 0
            if let expected = command.expected {
                #expect(answered == expected, "\(guide): \(command) answered \(answered)")
            } else {
                #expect((200..<400).contains(answered), "\(guide): \(command) answered \(answered)")
            }
            #expect(result.count == 2 && result[1] == "0", "\(guide): curl failed (exit \(result)) for \(command)")
        }
    }

    /// The parser finds what it should: a command split over lines, an expected status, and
    /// curl inside `$(…)`; comments and blocks without curl are left out.
    @Test func theGuidesAreReadAsTheyAreMeantToRun() {
        let markdown = """
            ```sh
            masthead token list
            ```

            ```sh
            # curl in a comment is not a command
            curl -i localhost:8080/a \\
              -H 'X: y'   # → 404
            ETAG=$(curl -sI localhost:8080/b | grep etag)
            ```

            <!-- not run: needs a receiver -->
            ```sh
            curl localhost:8080/c
            ```
            """
        let (script, commands) = Self.runnable(markdown)
        #expect(commands.map(\.expected) == [404, nil])
        #expect(!script.contains("masthead token list"))
        #expect(!script.contains("8080/c"))
        #expect(script.contains("ETAG=$(curl"))
    }
}
