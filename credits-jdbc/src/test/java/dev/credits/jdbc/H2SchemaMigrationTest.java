package dev.credits.jdbc;

/** The versioned schema on an in-memory H2 database. Always runs. */
class H2SchemaMigrationTest extends SchemaMigrationTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2Memory();
    }
}
