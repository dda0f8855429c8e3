package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The README's Flyway and Liquibase recipes on PostgreSQL; runs when {@value TestDatabase#POSTGRES_URL_ENV} is set. */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class PostgresMigrationRecipesTest extends MigrationRecipesTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
