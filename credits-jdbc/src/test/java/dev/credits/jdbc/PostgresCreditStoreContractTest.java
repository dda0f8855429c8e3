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

    /**
     * 8 x 400 instead of 8 x 2000: the concurrency tests hammer one account, whose units of work the row lock runs
     * one at a time, each ending in a durable commit (about 1 ms of WAL/redo flush on the CI machine). 3200
     * operations per run still interleave every kind of call on 8 threads (and two ledgers) and keep the whole
     * suite within a few minutes; the cross-pool workload of PostgresLedgerTest adds more.
     */
    @Override
    protected int concurrencyOperationsPerThread() {
        return 400;
    }

    @Override
    protected CreditStore createStore() {
        return database.builder(pool).build();
    }
}
