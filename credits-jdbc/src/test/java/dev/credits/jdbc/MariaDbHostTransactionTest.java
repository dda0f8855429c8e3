package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Host transactions on MariaDB; runs when {@value TestDatabase#MARIADB_URL_ENV} is set. */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbHostTransactionTest extends HostTransactionTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariadb();
    }
}
