package dev.credits.jdbc;

import dev.credits.spi.CreditStore;
import dev.credits.tck.CreditStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import javax.sql.DataSource;

/**
 * The store contract (TCK) on MariaDB with multi-statement queries allowed ({@code allowMultiQueries=true} added to
 * the URL), where the store pipelines its units of work; otherwise as {@link MariaDbCreditStoreContractTest}. Runs
 * when {@value TestDatabase#MARIADB_URL_ENV} gives a JDBC URL; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.MARIADB_URL_ENV, matches = ".+")
class MariaDbMultiStatementCreditStoreContractTest extends CreditStoreContract {

    private static TestDatabase database;
    private static DataSource pool;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.mariadbMultiStatements();
        pool = database.newPool(12);
        database.builder(pool).build().installSchema();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    /** 8 x 250: the same concurrency tests as {@link MariaDbCreditStoreContractTest}, shorter (second MariaDB run). */
    @Override
    protected int concurrencyOperationsPerThread() {
        return 250;
    }

    @Override
    protected CreditStore createStore() {
        return database.builder(pool).build();
    }
}
