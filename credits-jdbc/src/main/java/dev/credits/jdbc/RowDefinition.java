package dev.credits.jdbc;

import org.jdbi.v3.core.mapper.RowMapper;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.function.Predicate;

/**
 * One table described once: its columns in order, how each column's value is taken from the row's record, and how a
 * result row maps back to the record. The statements that write or read whole rows (inserts, upserts, multi-row
 * statements of the pipelines, the column lists of selects) are generated from it, and both transports of a change
 * set ({@link ChangeSetWriter}) bind a row through {@link #bind}, so adding a column is one record field, one
 * column here (see {@link Tables}) and the migration files. {@code RowDefinitionSchemaTest} compares every definition
 * with the installed schema. Immutable; thread-safe.
 *
 * @param <R> the record a row holds
 */
final class RowDefinition<R> {

    /** A column: its name, its JDBC type ({@link Types}), and how a row's value for it is taken from the record. */
    record Column<R>(String name, int sqlType, Function<? super R, ?> value) {
    }

    /** Where bound values go: a JDBC statement, or a {@link Pipeline}'s parameters. */
    interface Params {
        void add(Object value, int sqlType);
    }

    private final String table;
    private final List<Column<R>> columns;
    private final RowMapper<R> mapper;
    private final String columnList;

    private RowDefinition(String table, List<Column<R>> columns, RowMapper<R> mapper) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.mapper = mapper;
        this.columnList = String.join(", ", columns.stream().map(Column::name).toList());
    }

    /** @return a builder of the table {@code table} (without prefix), its rows read back by {@code mapper} */
    static <R> Builder<R> of(String table, RowMapper<R> mapper) {
        return new Builder<>(table, mapper);
    }

    /** @return the table's name without the prefix */
    String table() {
        return table;
    }

    List<Column<R>> columns() {
        return columns;
    }

    RowMapper<R> mapper() {
        return mapper;
    }

    /** @return the column names, in order, comma separated */
    String columnList() {
        return columnList;
    }

    /** @return {@code "(?, ?, ...)"}: one row's parameters */
    String rowParameters() {
        return "(" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
    }

    /** Binds every column of {@code row}, in order. */
    void bind(R row, Params params) {
        for (Column<R> column : columns) {
            params.add(column.value().apply(row), column.sqlType());
        }
    }

    /** @return the named columns, in the order given (for an update of part of a row) */
    List<Column<R>> columns(List<String> names) {
        List<Column<R>> found = new ArrayList<>();
        for (String name : names) {
            found.add(columns.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(table + " has no column " + name)));
        }
        return found;
    }

    /** @return the SQL type name of a JDBC type, as CASTs of multi-row statements spell it */
    static String sqlTypeName(int sqlType) {
        return switch (sqlType) {
            case Types.VARCHAR -> "VARCHAR";
            case Types.BIGINT -> "BIGINT";
            case Types.INTEGER -> "INTEGER";
            case Types.BOOLEAN -> "BOOLEAN";
            case Types.NUMERIC -> "NUMERIC";
            default -> throw new IllegalArgumentException("no SQL type name for " + sqlType);
        };
    }

    /**
     * Collects the columns of a {@link RowDefinition}, in the table's order. Each method adds one column with its
     * conversion (instants as microseconds, money as three columns, metadata as JSON). Not thread-safe.
     */
    static final class Builder<R> {
        private final String table;
        private final RowMapper<R> mapper;
        private final List<Column<R>> columns = new ArrayList<>();

        private Builder(String table, RowMapper<R> mapper) {
            this.table = table;
            this.mapper = mapper;
        }

        Builder<R> column(String name, int sqlType, Function<? super R, ?> value) {
            columns.add(new Column<>(name, sqlType, value));
            return this;
        }

        Builder<R> string(String name, Function<? super R, String> value) {
            return column(name, Types.VARCHAR, value);
        }

        /** An enum stored by name (null stays null). */
        Builder<R> name(String name, Function<? super R, ? extends Enum<?>> value) {
            return column(name, Types.VARCHAR, row -> {
                Enum<?> constant = value.apply(row);
                return constant == null ? null : constant.name();
            });
        }

        Builder<R> bigint(String name, ToLongFunction<? super R> value) {
            return column(name, Types.BIGINT, value::applyAsLong);
        }

        /** A BIGINT that may be null. */
        Builder<R> nullableBigint(String name, Function<? super R, Long> value) {
            return column(name, Types.BIGINT, value);
        }

        Builder<R> integer(String name, ToIntFunction<? super R> value) {
            return column(name, Types.INTEGER, value::applyAsInt);
        }

        Builder<R> bool(String name, Predicate<? super R> value) {
            return column(name, Types.BOOLEAN, value::test);
        }

        /** An instant as microseconds since the epoch ({@link Rows#micros}); null stays null. */
        Builder<R> instant(String name, Function<? super R, Instant> value) {
            return column(name, Types.BIGINT, row -> Rows.microsOrNull(value.apply(row)));
        }

        /** Money as {@code <prefix>_amount}, {@code <prefix>_scale}, {@code <prefix>_currency}. */
        Builder<R> money(String prefix, Function<? super R, dev.credits.Money> value) {
            column(prefix + "_amount", Types.NUMERIC, row -> Rows.moneyAmount(value.apply(row)));
            column(prefix + "_scale", Types.INTEGER, row -> Rows.moneyScale(value.apply(row)));
            return column(prefix + "_currency", Types.VARCHAR, row -> Rows.moneyCurrency(value.apply(row)));
        }

        /** A decimal, with its scale in {@code scaleColumn}. */
        Builder<R> decimal(String name, String scaleColumn, Function<? super R, BigDecimal> value) {
            column(name, Types.NUMERIC, value);
            return column(scaleColumn, Types.INTEGER, row -> Rows.decimalScale(value.apply(row)));
        }

        /** String metadata as a JSON object with sorted keys (NULL when empty). */
        Builder<R> metadata(String name, Function<? super R, Map<String, String>> value) {
            return column(name, Types.VARCHAR, row -> Rows.json(value.apply(row)));
        }

        RowDefinition<R> build() {
            return new RowDefinition<>(table, columns, mapper);
        }
    }
}
