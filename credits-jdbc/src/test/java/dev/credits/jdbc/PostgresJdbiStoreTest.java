package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store-level tests on PostgreSQL, in a private schema dropped afterwards. Runs when
 * {@value TestDatabase#POSTGRES_URL_ENV} gives a JDBC URL, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class PostgresJdbiStoreTest extends JdbiStoreTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
