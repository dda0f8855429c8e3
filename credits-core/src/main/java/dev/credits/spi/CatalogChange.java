package dev.credits.spi;

import java.util.Objects;

/**
 * One write of a catalog row, for {@link CatalogStore#write(CatalogChange, dev.credits.AuditRecord)}. Immutable.
 *
 * @param table the table
 * @param kind  what to do
 * @param key   the row's key
 * @param row   the row to insert, update or save (null for a delete)
 * @param <T>   the row type
 */
public record CatalogChange<T>(CatalogTable<T> table, Kind kind, String key, T row) {

    /** What a change does; each as the {@link CatalogStore} method of the same name. */
    public enum Kind {
        INSERT, UPDATE, SAVE, DELETE
    }

    public CatalogChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if ((row == null) != (kind == Kind.DELETE)) {
            throw new IllegalArgumentException("a " + kind + " takes " + (row == null ? "a row" : "no row"));
        }
    }

    /** @return a write of {@code row} */
    public static <T> CatalogChange<T> of(CatalogTable<T> table, Kind kind, T row) {
        return new CatalogChange<>(table, kind, table.keyOf(row), row);
    }

    /** @return a delete of the row with this key */
    public static <T> CatalogChange<T> delete(CatalogTable<T> table, String key) {
        return new CatalogChange<>(table, Kind.DELETE, key, null);
    }
}
