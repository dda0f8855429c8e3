package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store-level tests on MariaDB, with a private table prefix whose tables are dropped afterwards. Runs when
 * {@value TestDatabase#MARIADB_URL_ENV} gives a JDBC URL, e.g. {@code jdbc:mariadb://127.0.0.1:3306/test?user=root};
 * skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbJdbiStoreTest extends JdbiStoreTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariadb();
    }
}
