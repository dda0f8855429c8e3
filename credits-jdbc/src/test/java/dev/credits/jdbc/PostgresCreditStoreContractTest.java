package dev.credits.jdbc;

import dev.credits.spi.CreditStore;
import dev.credits.tck.CreditStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import javax.sql.DataSource;

/**
 * The store contract (TCK) on PostgreSQL, in a schema private to this run ({@code credits_test_<random>}, dropped
 * afterwards). Runs when {@value TestDatabase#POSTGRES_URL_ENV} gives a JDBC URL, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class PostgresCreditStoreContractTest extends CreditStoreContract {

    private static TestDatabase database;
    private static DataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.postgres();
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
