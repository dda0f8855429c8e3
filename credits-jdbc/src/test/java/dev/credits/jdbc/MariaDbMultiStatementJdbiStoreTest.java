package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store-level tests on MariaDB with multi-statement queries allowed ({@code allowMultiQueries=true}), where the
 * store pipelines its units of work. Runs when {@value TestDatabase#MARIADB_URL_ENV} is set.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbMultiStatementJdbiStoreTest extends JdbiStoreTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariadbMultiStatements();
    }
}
