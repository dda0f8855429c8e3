package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The versioned schema on PostgreSQL, in a private schema dropped afterwards. Runs when
 * {@value TestDatabase#POSTGRES_URL_ENV} gives a JDBC URL; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class PostgresSchemaMigrationTest extends SchemaMigrationTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
