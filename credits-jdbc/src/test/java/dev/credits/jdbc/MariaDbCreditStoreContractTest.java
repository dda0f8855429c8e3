package dev.credits.jdbc;

import dev.credits.spi.CreditStore;
import dev.credits.tck.CreditStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import javax.sql.DataSource;

/**
 * The store contract (TCK) on MariaDB, with a table prefix private to this run ({@code credits_t<random>_}, its
 * tables dropped afterwards). Runs when {@value TestDatabase#MARIADB_URL_ENV} gives a JDBC URL, e.g.
 * {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbCreditStoreContractTest extends CreditStoreContract {

    private static TestDatabase database;
    private static DataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.mariadb();
        pool = database.newPool(12);
        database.builder(pool).build().installSchema();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected CreditStore createStore() {
        return database.builder(pool).build();
    }
}
