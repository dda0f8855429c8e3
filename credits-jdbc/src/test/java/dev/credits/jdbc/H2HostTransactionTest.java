package dev.credits.jdbc;

/** Host transactions on an in-memory H2 database. */
class H2HostTransactionTest extends HostTransactionTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2Memory();
    }
}
