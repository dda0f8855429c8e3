package dev.credits.jdbc;

/** The README's Flyway and Liquibase recipes on an in-memory H2 database. Always runs. */
class H2MigrationRecipesTest extends MigrationRecipesTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2Memory();
    }
}
