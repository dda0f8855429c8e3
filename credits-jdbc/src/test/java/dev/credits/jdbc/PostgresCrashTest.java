package dev.credits.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The crash test on PostgreSQL (a private schema): the client process is killed, the server keeps running. */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class PostgresCrashTest extends CrashTestBase {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }

    @Override
    String databaseName() {
        return "PostgreSQL";
    }
}
