package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The versioned schema on MariaDB with multi-statement queries allowed ({@code allowMultiQueries=true}). Runs when
 * {@value TestDatabase#MARIADB_URL_ENV} is set.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbMultiStatementSchemaMigrationTest extends SchemaMigrationTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariadbMultiStatements();
    }
}
