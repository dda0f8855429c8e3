package dev.credits.jdbc;

import dev.credits.spi.CreditStore;
import dev.credits.tck.CreditStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import javax.sql.DataSource;

/** The store contract (TCK) on an in-memory H2 database private to this class. Always runs. */
class H2CreditStoreContractTest extends CreditStoreContract {

    private static TestDatabase database;
    private static DataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.h2Memory();
        pool = database.newPool(12);
        database.builder(pool).build().installSchema();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    /**
     * 8 x 1000 per mixed run (the in-memory store runs the full 8 x 2000): H2 serializes each commit, and the
     * whole suite has to stay within a few minutes.
     */
    @Override
    protected int concurrencyOperationsPerThread() {
        return 1000;
    }

    @Override
    protected CreditStore createStore() {
        return database.builder(pool).build();
    }
}
