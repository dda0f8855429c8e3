package dev.credits.jdbc;

import java.util.List;

/**
 * An UPDATE of part of a row by its key, for rows of one account: the columns it sets (from the table's
 * {@link RowDefinition}), the key column, the column bound once after the rows ({@code account_id}, the locked
 * sequence of the account row; null for none), and a fixed condition or null. A row binds its set columns, then its key. Immutable;
 * thread-safe.
 *
 * @param <R> the record a row holds
 */
record RowUpdate<R>(RowDefinition<R> definition, List<RowDefinition.Column<R>> set, RowDefinition.Column<R> key,
                    String trailingColumn, String fixedCondition) {

    static <R> RowUpdate<R> of(RowDefinition<R> definition, List<String> set, String key, String trailingColumn,
                               String fixedCondition) {
        return new RowUpdate<>(definition, definition.columns(set), definition.columns(List.of(key)).get(0),
                trailingColumn, fixedCondition);
    }

    /** Binds the set columns of {@code row}, then its key. */
    void bind(R row, RowDefinition.Params params) {
        for (RowDefinition.Column<R> column : set) {
            params.add(column.value().apply(row), column.sqlType());
        }
        params.add(key.value().apply(row), key.sqlType());
    }

    /** @return an update of every column but the key and {@code except}, by the key */
    static <R> RowUpdate<R> allBut(RowDefinition<R> definition, String key, String trailingColumn, String... except) {
        List<String> set = new java.util.ArrayList<>();
        for (RowDefinition.Column<R> column : definition.columns()) {
            if (!column.name().equals(key) && !List.of(except).contains(column.name())) {
                set.add(column.name());
            }
        }
        return of(definition, set, key, trailingColumn, null);
    }

    /** @return the one-row statement: {@code UPDATE t SET a = ?, ... WHERE key = ? AND trailing = ? [AND fixed]} */
    String oneRow(String prefix) {
        StringBuilder sql = new StringBuilder("UPDATE ").append(prefix).append(definition.table()).append(" SET ");
        for (int i = 0; i < set.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(set.get(i).name()).append(" = ?");
        }
        sql.append(" WHERE ").append(key.name()).append(" = ?");
        if (trailingColumn != null) {
            sql.append(" AND ").append(trailingColumn).append(" = ?");
        }
        if (fixedCondition != null) {
            sql.append(" AND ").append(fixedCondition);
        }
        return sql.toString();
    }
}
