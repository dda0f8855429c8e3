package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The ledger-level tests on PostgreSQL; runs when {@value TestDatabase#POSTGRES_URL_ENV} is set. */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class PostgresLedgerTest extends JdbiLedgerTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
