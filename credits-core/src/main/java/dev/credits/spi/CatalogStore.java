package dev.credits.spi;

import java.util.List;
import java.util.Optional;

/**
 * The catalog part of a store: rows of the {@link CatalogTable}s (features, packages, plans, promotions), each
 * identified by its table's key. Every call is atomic on its own and durable when it returns; keys compare exactly
 * (case-sensitive). The ledger has checked every row it writes; a store keeps it as given (except a promotion's use
 * count, see {@link CatalogTable#PROMOTIONS}). Implementations must be thread-safe, and correct when several ledgers
 * (several JVMs) share one database.
 *
 * <p>Catalog rows are read inside a unit of work too, with {@link AccountTransaction#find(CatalogTable, String)}.
 */
public interface CatalogStore {

    /** @return the row with this key, or empty */
    <T> Optional<T> find(CatalogTable<T> table, String key);

    /** @return every row of the table, ordered by key */
    <T> List<T> list(CatalogTable<T> table);

    /**
     * Inserts the row unless one with its key exists. Atomic: of concurrent inserts of one key, exactly one returns
     * true.
     *
     * @return false (and nothing changed) if the key exists
     */
    <T> boolean insert(CatalogTable<T> table, T row);

    /**
     * Replaces the row with the same key.
     *
     * @return false (and nothing changed) if the key does not exist
     */
    <T> boolean update(CatalogTable<T> table, T row);

    /** Inserts the row, or replaces the one with the same key: atomic, of concurrent saves of one key one wins whole. */
    <T> void save(CatalogTable<T> table, T row);

    /** Deletes the row with this key. @return false if there was none */
    boolean delete(CatalogTable<?> table, String key);

    /**
     * Makes one change as {@link #insert}, {@link #update}, {@link #save} or {@link #delete} would and appends its
     * audit record (store-numbered, see {@link dev.credits.AuditRecord#position()}), atomically: both or neither.
     *
     * <p>The record's before is the row as the ledger read it just before the call: of two concurrent changes of one
     * row, both records may name the same before (each after is exact).
     *
     * @return what the plain call would return (a save: true); false means nothing changed and no record was written
     */
    <T> boolean write(CatalogChange<T> change, dev.credits.AuditRecord audit);
}
