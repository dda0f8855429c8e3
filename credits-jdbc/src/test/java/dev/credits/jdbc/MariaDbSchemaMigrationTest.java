package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The versioned schema on MariaDB, with private table prefixes whose tables are dropped afterwards. Runs when
 * {@value TestDatabase#MARIADB_URL_ENV} gives a JDBC URL; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbSchemaMigrationTest extends SchemaMigrationTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariadb();
    }
}
