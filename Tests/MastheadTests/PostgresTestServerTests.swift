import MastheadTestSupport
import Testing

@Suite struct PostgresTestServerTests {
    @Test(.enabled(if: !PostgresTestServer.isConfigured, "a PostgreSQL server is configured"))
    func postgresTestsAreSkippedOnlyWhereAllowed() {
        #expect(
            !PostgresTestServer.isRequired,
            "MASTHEAD_REQUIRE_POSTGRES=1 but MASTHEAD_TEST_POSTGRES_URL is not set: the PostgreSQL tests did not run"
        )
        print("PostgreSQL tests skipped: set MASTHEAD_TEST_POSTGRES_URL=postgres://user@host:port/postgres to run them")
    }
}
