package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The ledger-level tests on MariaDB with multi-statement queries allowed (the store pipelines); runs when
 * {@value TestDatabase#MARIADB_URL_ENV} is set.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbMultiStatementLedgerTest extends JdbiLedgerTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariadbMultiStatements();
    }
}
