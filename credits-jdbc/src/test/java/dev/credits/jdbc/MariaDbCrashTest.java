package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The crash test on MariaDB (a private table prefix): the client process is killed, the server keeps running. */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbCrashTest extends CrashTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariadb();
    }

    @Override
    String databaseName() {
        return "MariaDB";
    }
}
