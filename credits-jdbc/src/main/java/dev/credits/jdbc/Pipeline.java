package dev.credits.jdbc;

import org.jdbi.v3.core.mapper.RowMapper;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Several SQL statements sent to the database as one multi-statement execution: one round trip on PostgreSQL,
 * whose driver runs {@code "stmt1; stmt2; ..."} with parameters as one pipeline of statements. Results come back
 * in order: a list of mapped rows for each query, an update count for each other statement. Used only by
 * dialects that {@linkplain SqlStatements#pipelines() pipeline}. Not thread-safe; use once (the cache of joined
 * SQL texts it shares with other pipelines is).
 */
final class Pipeline implements RowDefinition.Params {

    private record Step(String sql, RowMapper<?> mapper) {
    }

    private record Param(Object value, int sqlType) {
    }

    /** The joined SQL of every shape of pipeline seen so far, by the statements' (cached) SQL strings. */
    private static final Map<List<String>, String> JOINED = new ConcurrentHashMap<>();
    private static final int MAX_JOINED = 512;

    private final List<Step> steps = new ArrayList<>();
    private final List<Param> params = new ArrayList<>();

    /** Adds a query; its result is the list of rows mapped by {@code mapper}. @return its index */
    int query(String sql, RowMapper<?> mapper) {
        steps.add(new Step(sql, mapper));
        return steps.size() - 1;
    }

    /** Adds a statement; its result is its update count. @return its index */
    int update(String sql) {
        steps.add(new Step(sql, null));
        return steps.size() - 1;
    }

    /** Adds a parameter of a JDBC type ({@link Types}); null stays a typed NULL. */
    @Override
    public void add(Object value, int sqlType) {
        params.add(new Param(value, sqlType));
    }

    Pipeline string(String value) {
        params.add(new Param(value, Types.VARCHAR));
        return this;
    }

    Pipeline bigint(Long value) {
        params.add(new Param(value, Types.BIGINT));
        return this;
    }

    Pipeline bigint(long value) {
        params.add(new Param(value, Types.BIGINT));
        return this;
    }

    Pipeline integer(Integer value) {
        params.add(new Param(value, Types.INTEGER));
        return this;
    }

    Pipeline bool(boolean value) {
        params.add(new Param(value, Types.BOOLEAN));
        return this;
    }

    Pipeline decimal(BigDecimal value) {
        params.add(new Param(value, Types.NUMERIC));
        return this;
    }

    /**
     * Sends every statement in one execution.
     *
     * @return one result per step, in order: {@code List<T>} for queries, {@code Integer} for updates
     */
    List<Object> execute(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql())) {
            bind(statement);
            return results(statement, statement.execute());
        }
    }

    // Small methods with one loop each: the JIT compiles them quickly and once, instead of recompiling one large
    // method with the driver's whole execution path inlined.

    private void bind(PreparedStatement statement) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Param param = params.get(i);
            set(statement, i + 1, param.value(), param.sqlType());
        }
    }

    /**
     * An array parameter (PostgreSQL): the values of one column for many rows.
     *
     * @param elementType the element type as PostgreSQL names it (int8, varchar, ...)
     */
    record ArrayValue(String elementType, Object[] values) {
    }

    /** Adds an array parameter (PostgreSQL). */
    Pipeline array(ArrayValue value) {
        params.add(new Param(value, Types.ARRAY));
        return this;
    }

    /** Sets one parameter by its JDBC type; null as a typed NULL. */
    static void set(PreparedStatement statement, int index, Object value, int sqlType) throws SQLException {
        if (value == null) {
            statement.setNull(index, sqlType);
            return;
        }
        switch (sqlType) {
            case Types.ARRAY -> {
                ArrayValue array = (ArrayValue) value;
                statement.setArray(index, statement.getConnection().createArrayOf(array.elementType(),
                        array.values()));
            }
            case Types.VARCHAR -> statement.setString(index, (String) value);
            case Types.BIGINT -> statement.setLong(index, (Long) value);
            case Types.INTEGER -> statement.setInt(index, (Integer) value);
            case Types.BOOLEAN -> statement.setBoolean(index, (Boolean) value);
            default -> statement.setObject(index, value, sqlType);
        }
    }

    private List<Object> results(PreparedStatement statement, boolean firstIsResultSet) throws SQLException {
        List<Object> results = new ArrayList<>(steps.size());
        boolean isResultSet = firstIsResultSet;
        for (Step step : steps) {
            if (step.mapper() != null) {
                if (!isResultSet) {
                    throw new SQLException("expected rows from: " + step.sql());
                }
                results.add(rows(statement, step.mapper()));
            } else {
                if (isResultSet) {
                    throw new SQLException("expected an update count from: " + step.sql());
                }
                results.add(statement.getUpdateCount());
            }
            isResultSet = statement.getMoreResults();
        }
        return results;
    }

    private static List<Object> rows(PreparedStatement statement, RowMapper<?> mapper) throws SQLException {
        List<Object> rows = new ArrayList<>();
        try (ResultSet resultSet = statement.getResultSet()) {
            while (resultSet.next()) {
                rows.add(mapper.map(resultSet, null));
            }
        }
        return rows;
    }

    /**
     * @return the steps joined into one multi-statement SQL text; the same String instance for the same steps (up to
     *         {@value #MAX_JOINED} shapes), so the driver's statement cache finds it without hashing it again
     */
    private String sql() {
        List<String> key = new ArrayList<>(steps.size());
        for (Step step : steps) {
            key.add(step.sql());
        }
        String joined = JOINED.get(key);
        if (joined == null) {
            joined = String.join(";\n", key);
            if (JOINED.size() < MAX_JOINED) {
                String raced = JOINED.putIfAbsent(key, joined);
                joined = raced == null ? joined : raced;
            }
        }
        return joined;
    }

    /** @return "(?, ?, ...), (?, ?, ...)" for {@code rows} rows of {@code row} */
    static String values(String row, int rows) {
        StringBuilder values = new StringBuilder(rows * (row.length() + 2));
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                values.append(", ");
            }
            values.append(row);
        }
        return values.toString();
    }
}
