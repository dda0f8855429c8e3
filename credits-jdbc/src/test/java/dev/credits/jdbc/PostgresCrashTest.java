package dev.credits.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import javax.sql.DataSource;
import java.util.List;

/** The crash test on PostgreSQL (a private schema): the client process is killed, the server keeps running. */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class PostgresCrashTest extends CrashTestBase {

    private static TestDatabase database;
    private static DataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.postgres();
        pool = database.newPool(4);
        database.builder(pool).build().installSchema();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    List<String> childStoreArguments() {
        return List.of("jdbc", database.urlForAnotherProcess(), database.tablePrefix());
    }

    @Override
    JdbiCreditStore openStore() {
        return database.builder(pool).build();
    }

    @Override
    String databaseName() {
        return "PostgreSQL";
    }

    @Override
    int kills() {
        return 4;
    }
}
