package dev.credits.jdbc;

import dev.credits.AuditRecord;
import dev.credits.spi.CatalogChange;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.CatalogTable;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The store's catalog: each table through {@link CatalogRows}; reads, inserts, updates and deletes are single
 * statements in auto-commit mode, a save is {@link #upsert}. Runs on its store's connections, retries and failure
 * handling. Thread-safe.
 */
final class JdbiCatalog implements CatalogStore {

    private final JdbiCreditStore store;

    JdbiCatalog(JdbiCreditStore store) {
        this.store = store;
    }

    /** An insert found its key taken: ends the transaction without a change. */
    private static final class KeyTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyTaken() {
            super(null, null, false, false);
        }
    }

    @Override
    public <T> Optional<T> find(CatalogTable<T> table, String key) {
        Objects.requireNonNull(key, "key");
        CatalogRows<T> rows = store.sql().catalogRows(table);
        return store.autocommit("find " + table, handle -> handle.createQuery(rows.select)
                .bind(rows.keyParameter, key)
                .map(rows.mapper)
                .findOne());
    }

    @Override
    public <T> List<T> list(CatalogTable<T> table) {
        CatalogRows<T> rows = store.sql().catalogRows(table);
        return store.autocommit("list " + table, handle -> handle.createQuery(rows.selectAll).map(rows.mapper).list());
    }

    /**
     * {@inheritDoc} One INSERT; a duplicate key (ignored by {@code ON CONFLICT DO NOTHING} on PostgreSQL where the
     * statement says so, class 23 elsewhere) inserts nothing.
     */
    @Override
    public <T> boolean insert(CatalogTable<T> table, T row) {
        CatalogRows<T> rows = store.sql().catalogRows(table);
        Objects.requireNonNull(row, "row");
        try {
            return store.transaction("insert " + table, handle -> {
                try {
                    return rows.bindInsert(handle.createUpdate(rows.insert), row).execute() > 0;
                } catch (JdbiException e) {
                    if (JdbiCreditStore.isConstraintViolation(e)) {
                        throw new KeyTaken(); // rolls the transaction back (PostgreSQL has aborted it)
                    }
                    throw e;
                }
            });
        } catch (KeyTaken taken) {
            return false;
        }
    }

    @Override
    public <T> boolean update(CatalogTable<T> table, T row) {
        CatalogRows<T> rows = store.sql().catalogRows(table);
        Objects.requireNonNull(row, "row");
        return store.transaction("update " + table,
                handle -> rows.bindUpdate(handle.createUpdate(rows.update), row).execute() > 0);
    }

    /** {@inheritDoc} One transaction: update by key, else insert (see {@link #upsert}). */
    @Override
    public <T> void save(CatalogTable<T> table, T row) {
        CatalogRows<T> rows = store.sql().catalogRows(table);
        Objects.requireNonNull(row, "row");
        upsert("save " + table, rows.update, rows.insert, update -> rows.bindUpdate(update, row),
                insert -> rows.bindInsert(insert, row));
    }

    @Override
    public boolean delete(CatalogTable<?> table, String key) {
        Objects.requireNonNull(key, "key");
        CatalogRows<?> rows = store.sql().catalogRows(table);
        return store.transaction("delete " + table, handle -> handle.createUpdate(rows.delete)
                .bind(rows.keyParameter, key)
                .execute() > 0);
    }

    /** {@inheritDoc} One transaction: the change's statements as the plain call's, then the record's INSERT. */
    @Override
    public <T> boolean write(CatalogChange<T> change, AuditRecord audit) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(audit, "audit");
        CatalogRows<T> rows = store.sql().catalogRows(change.table());
        T row = change.row();
        try {
            return store.transaction(change.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + change.table(),
                    handle -> {
                boolean done = switch (change.kind()) {
                    case INSERT -> {
                        try {
                            yield rows.bindInsert(handle.createUpdate(rows.insert), row).execute() > 0;
                        } catch (JdbiException e) {
                            if (JdbiCreditStore.isConstraintViolation(e)) {
                                throw new KeyTaken();
                            }
                            throw e;
                        }
                    }
                    case UPDATE -> rows.bindUpdate(handle.createUpdate(rows.update), row).execute() > 0;
                    case SAVE -> {
                        if (rows.bindUpdate(handle.createUpdate(rows.update), row).execute() == 0) {
                            try {
                                rows.bindInsert(handle.createUpdate(rows.insert), row).execute();
                            } catch (JdbiException e) {
                                if (JdbiCreditStore.isConstraintViolation(e)) {
                                    throw new Failures.Transient(e); // a racing save inserted it: retried, updates
                                }
                                throw e;
                            }
                        }
                        yield true;
                    }
                    case DELETE -> handle.createUpdate(rows.delete).bind(rows.keyParameter, change.key()).execute() > 0;
                };
                if (done) {
                    AuditStatements.insertAudit(handle, store.sql(), audit);
                }
                return done;
            });
        } catch (KeyTaken taken) {
            return false;
        }
    }

    /**
     * Inserts or replaces one catalog row, portably and atomically: in one transaction, the UPDATE by key and, if it
     * found no row, the INSERT. Of two saves racing to insert the same key one hits the primary key; it is retried as a
     * transient conflict, and its UPDATE then finds the row.
     */
    private void upsert(String operation, String updateSql, String insertSql, UnaryOperator<Update> updateBinder,
                        UnaryOperator<Update> insertBinder) {
            store.transaction(operation, handle -> {
            if (updateBinder.apply(handle.createUpdate(updateSql)).execute() > 0) {
                return null;
            }
            try {
                insertBinder.apply(handle.createUpdate(insertSql)).execute();
            } catch (JdbiException e) {
                if (JdbiCreditStore.isConstraintViolation(e)) {
                    throw new Failures.Transient(e);
                }
                throw e;
            }
            return null;
        });
    }
}
