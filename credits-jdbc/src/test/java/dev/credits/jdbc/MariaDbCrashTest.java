package dev.credits.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import javax.sql.DataSource;
import java.util.List;

/** The crash test on MariaDB (a private table prefix): the client process is killed, the server keeps running. */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbCrashTest extends CrashTestBase {

    private static TestDatabase database;
    private static DataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.mariadb();
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
        return "MariaDB";
    }

    @Override
    int kills() {
        return 4;
    }
}
