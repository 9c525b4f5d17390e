import Foundation
import MastheadTestSupport
import Testing

/// The Signal site (`examples/signal-site`) in headless Chromium, against the real binary
/// serving the demo publication and the site: `Tests/Browser/signal_site.py` drives Debian's
/// `chromium` through `chromium-driver` with Selenium (`python3-selenium`) and checks what a
/// reader sees. Without those packages the test is skipped and says so; with
/// `MASTHEAD_REQUIRE_BROWSER=1` (as in CI) that skip is a failure. Screenshots of the home
/// and article pages at 1280 and 375 px go to `$MASTHEAD_ARTIFACTS/screenshots`
/// (default `.build/artifacts/screenshots`).
@Suite struct SignalSiteBrowserTests {
    static let python = "/usr/bin/python3"
    static let browserParts = ["/usr/bin/chromium", "/usr/bin/chromedriver", python]

    static var isRequired: Bool { ProcessInfo.processInfo.environment["MASTHEAD_REQUIRE_BROWSER"] == "1" }

    static var browserIsInstalled: Bool {
        browserParts.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/selenium")
    }

    static var screenshots: URL {
        let artifacts = ProcessInfo.processInfo.environment["MASTHEAD_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
        return (artifacts ?? packageRoot.appendingPathComponent(".build/artifacts")).appendingPathComponent(
            "screenshots"
        )
    }

    @Test(
        .enabled(
            if: browserIsInstalled || isRequired,
            "needs chromium, chromium-driver and python3-selenium (apt); MASTHEAD_REQUIRE_BROWSER=1 makes this a failure"
        ),
        .timeLimit(.minutes(5))
    )
    func theSignalSiteWorksInARealBrowser() async throws {
        try #require(
            Self.browserIsInstalled,
            "MASTHEAD_REQUIRE_BROWSER=1 but chromium, chromium-driver or python3-selenium is not installed"
        )
        let folder = try TemporaryFolder()
        let site = packageRoot.appendingPathComponent("examples/signal-site").path
        let server = try await ServerProcess.serve([
            "--demo", "--db", folder.databasePath, "--port", "0", "--site", site,
        ])
        let token = try #require(
            server.startupOutput.firstMatch(of: /mh_[A-Za-z0-9]+/).map { String($0.output) },
            "the demo printed no admin token"
        )
        let (status, output) = try await runToEnd(
            Self.python,
            [
                packageRoot.appendingPathComponent("Tests/Browser/signal_site.py").path,
                "--base", "http://127.0.0.1:\(server.port)",
                "--token", token,
                "--screenshots", Self.screenshots.path,
            ]
        )
        let failed = output.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(status == 0, "the browser checks failed:\n\(failed.joined(separator: "\n"))\n\n\(output)")
        #expect(output.contains("all passed"), "\(output)")
        #expect(output.split(separator: "\n").count(where: { $0.hasPrefix("ok ") }) >= 60, "\(output)")
    }
}
