package dev.credits.jdbc;

/** The store-level tests on an in-memory H2 database. Always runs. */
class H2JdbiStoreTest extends JdbiStoreTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2Memory();
    }
}
