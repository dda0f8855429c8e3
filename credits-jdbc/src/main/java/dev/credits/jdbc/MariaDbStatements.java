package dev.credits.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * MariaDB and MySQL (InnoDB): ON DUPLICATE KEY UPDATE for upserts, snapshot reads, vendor codes
 * for deadlocks and lock wait timeouts. Duplicate inserts are detected by their error (SQLState 23000), not with
 * INSERT IGNORE, which would also turn data errors (a too long value) into silently truncating warnings.
 *
 * <p>When the connections allow multi-statement queries ({@code allowMultiQueries=true} in the JDBC URL, MariaDB
 * Connector/J and MySQL Connector/J, with client-side prepared statements, their default) the statements also {@linkplain PipelinedStatements pipeline}: a unit of work's
 * first read is one round trip and its change set another, followed by the commit; without it every read and every
 * kind of row written is a round trip of its own. Thread-safe.
 */
final class MariaDbStatements extends SqlStatements implements PipelinedStatements {

    /** ER_LOCK_DEADLOCK (SQLState 40001). */
    private static final int DEADLOCK = 1213;
    /** ER_LOCK_WAIT_TIMEOUT (SQLState HY000). */
    private static final int LOCK_WAIT_TIMEOUT = 1205;
    /** ER_CHECKREAD "Record has changed since last read" (MariaDB with innodb_snapshot_isolation). */
    private static final int RECORD_CHANGED = 1020;
    private static final Pattern MULTI_QUERIES = Pattern.compile("[?&;]allowmultiqueries=true(?:[&;]|$)");
    private static final Pattern SERVER_PREPARED = Pattern.compile("[?&;]useserverprepstmts=true(?:[&;]|$)");

    private final boolean multiStatements;

    private final ByRows upsertBalances = new ByRows(rows -> insert(Tables.BALANCES, rows)
            + " ON DUPLICATE KEY UPDATE balance = VALUES(balance), held = VALUES(held)");
    private final ByRows upsertUsage = new ByRows(rows -> insert(Tables.USAGE_BUCKETS, rows)
            + " ON DUPLICATE KEY UPDATE " + usageSums(c -> c + " = " + c + " + VALUES(" + c + ")"));
    private final java.util.Map<RowUpdate<?>, ByRows> joinedUpdates = new java.util.concurrent.ConcurrentHashMap<>();

    MariaDbStatements(Dialect dialect, String prefix, Duration lockTimeout, boolean multiStatements) {
        super(dialect, prefix, lockTimeout);
        this.multiStatements = multiStatements;
    }

    /**
     * @return whether the connection described runs multi-statement prepared statements: its URL sets
     *         {@code allowMultiQueries=true} and not {@code useServerPrepStmts=true} (the server cannot prepare several
     *         statements at once); read from the URL rather than tried, which would log a syntax error
     */
    static boolean allowsMultiStatements(DatabaseMetaData metaData) throws SQLException {
        return allowsMultiStatements(metaData.getURL());
    }

    static boolean allowsMultiStatements(String url) {
        if (url == null) {
            return false;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        return MULTI_QUERIES.matcher(lower).find() && !SERVER_PREPARED.matcher(lower).find();
    }

    private static String unionOfRows(String firstRow, String row, int rows) {
        StringBuilder union = new StringBuilder("SELECT ").append(firstRow);
        for (int i = 1; i < rows; i++) {
            union.append(" UNION ALL SELECT ").append(row);
        }
        return union.toString();
    }

    @Override
    String upsertBalances(int rows) {
        return upsertBalances.get(rows);
    }

    @Override
    String upsertUsage(int rows) {
        return upsertUsage.get(rows);
    }

    /**
     * Several rows: a multi-table UPDATE joined to the rows (MariaDB has no UPDATE ... FROM VALUES); the drivers report
     * the rows found (CLIENT_FOUND_ROWS), so the count is the number of rows matched.
     */
    @Override
    String update(RowUpdate<?> update, int rows) {
        if (rows == 1 || !multiStatements) {
            return super.update(update, rows);
        }
        return joinedUpdates.computeIfAbsent(update, u -> new ByRows(n -> joinedUpdate(u, n))).get(rows);
    }

    private String joinedUpdate(RowUpdate<?> update, int rows) {
        java.util.List<String> names = new java.util.ArrayList<>();
        update.set().forEach(column -> names.add(column.name()));
        names.add(update.key().name());
        StringBuilder first = new StringBuilder();
        for (String name : names) {
            first.append(first.length() > 0 ? ", " : "").append("? AS ").append(name);
        }
        String row = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
        StringBuilder sql = new StringBuilder("UPDATE ").append(prefix).append(update.definition().table())
                .append(" AS t JOIN (").append(unionOfRows(first.toString(), row, rows)).append(") AS v ON t.")
                .append(update.key().name()).append(" = v.").append(update.key().name()).append(" SET ");
        for (int i = 0; i < update.set().size(); i++) {
            sql.append(i > 0 ? ", " : "").append("t.").append(names.get(i)).append(" = v.").append(names.get(i));
        }
        sql.append(" WHERE t.").append(update.trailingColumn()).append(" = ?");
        if (update.fixedCondition() != null) {
            sql.append(" AND t.").append(update.fixedCondition());
        }
        return sql.toString();
    }

    @Override
    String snapshotReadStatement() {
        // Reads see one MVCC snapshot without locking: they never wait for writers nor make writers wait.
        return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    }

    @Override
    String readCommittedStatement() {
        // Applies to the next transaction only; runs after autocommit is off and before the first statement.
        return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
    }

    @Override
    String lockWait() {
        // MariaDB counts whole seconds (a fraction means NOWAIT), so round up. MySQL has no WAIT n: its
        // innodb_lock_wait_timeout (default 50 s) bounds the wait.
        return dialect == Dialect.MARIADB ? " WAIT " + Math.max(1, (lockTimeout.toMillis() + 999) / 1000) : "";
    }

    @Override
    boolean isTransient(SQLException e) {
        int code = e.getErrorCode();
        return super.isTransient(e) || code == DEADLOCK || code == RECORD_CHANGED;
    }

    @Override
    boolean isLockTimeout(SQLException e) {
        return e.getErrorCode() == LOCK_WAIT_TIMEOUT;
    }

    // ---------------------------------------------------------------- schema

    @Override
    String schemaLockStatement() {
        // A named lock of the session (DDL commits implicitly, so no lock held by a transaction would outlast the
        // first CREATE): per server, named with the prefix (at most 15 + 30 of the 64 characters a name may have).
        return "SELECT GET_LOCK('" + schemaLockName() + "', " + SCHEMA_LOCK_WAIT.toSeconds() + ")";
    }

    @Override
    String schemaUnlockStatement() {
        return "SELECT RELEASE_LOCK('" + schemaLockName() + "')";
    }

    /** @return the name of the install lock: {@code credits_schema:<prefix>} (the prefix is validated, safe to inline) */
    String schemaLockName() {
        return "credits_schema:" + prefix;
    }

    @Override
    String tableOptions() {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    }

    @Override
    String countTables() {
        return "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = :name";
    }

    // ---------------------------------------------------------------- pipelined (allowMultiQueries=true)

    @Override
    boolean pipelines() {
        return multiStatements;
    }

    @Override
    public boolean checksInDatabase() {
        return false;
    }

    @Override
    public String pipelinedCommit() {
        throw new UnsupportedOperationException("MariaDB commits after checking the change set's update counts");
    }

}
