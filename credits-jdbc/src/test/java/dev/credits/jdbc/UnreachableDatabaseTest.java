package dev.credits.jdbc;

import dev.credits.spi.CatalogTable;

import dev.credits.AccountStatus;
import dev.credits.Account;
import dev.credits.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.SQLException;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No database at all (nothing listens on the port): every call is a StoreUnavailableException with the cause. */
class UnreachableDatabaseTest {

    private static PGSimpleDataSource nowhere() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2");
        return dataSource;
    }

    @Test
    void detectingTheDialectOfAnUnreachableDatabaseFails() {
        JdbiCreditStore store = JdbiCreditStore.builder(nowhere()).build();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> store.findAccount("a"));
        assertTrue(hasSqlCause(e), "cause attached: " + e);
        assertThrows(StoreUnavailableException.class, store::installSchema);
    }

    @Test
    void everyCallOnAnUnreachableDatabaseFails() {
        JdbiCreditStore store = JdbiCreditStore.builder(nowhere()).dialect(Dialect.POSTGRESQL).build();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> store.inAccount("a", tx -> ((JdbcAccountTransaction) tx).account()));
        assertTrue(hasSqlCause(e), "cause attached: " + e);
        assertThrows(StoreUnavailableException.class, () -> store.readAccount("a", tx -> ((JdbcAccountTransaction) tx).account()));
        assertThrows(StoreUnavailableException.class, () -> store.insertAccountIfAbsent(
                new Account("a", AccountStatus.ACTIVE, 0, 0, 0, null, null, null, null, 0, Instant.EPOCH,
                        Instant.EPOCH)));
        assertThrows(StoreUnavailableException.class, () -> store.catalog().find(CatalogTable.FEATURES, "f"));
        assertThrows(StoreUnavailableException.class, () -> store.catalog().find(CatalogTable.PACKAGES, "p"));
        assertThrows(StoreUnavailableException.class, () -> store.catalog().save(CatalogTable.PROMOTIONS, dev.credits.Promotion.of("P")));
        assertThrows(StoreUnavailableException.class, () -> store.findAccountOfPurchase("p"));
        assertThrows(StoreUnavailableException.class, () -> store.findAccountLink("stripe:sub_1"));
        assertThrows(StoreUnavailableException.class, () -> store.insertAccountLinkIfAbsent(
                new dev.credits.AccountLink("stripe:sub_1", "a", null, Instant.EPOCH)));
        assertThrows(StoreUnavailableException.class, store::installSchema);
    }

    private static boolean hasSqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                assertNotNull(sql.getSQLState());
                assertInstanceOf(SQLException.class, sql);
                return sql.getSQLState().startsWith("08");
            }
        }
        return false;
    }
}
