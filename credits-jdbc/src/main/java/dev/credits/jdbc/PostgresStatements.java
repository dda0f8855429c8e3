package dev.credits.jdbc;

import java.sql.SQLException;
import java.time.Duration;

/**
 * PostgreSQL: ON CONFLICT for upserts and duplicate-tolerant inserts, snapshot reads, transactional DDL
 * behind an advisory lock, and {@linkplain PipelinedStatements pipelines}: pgjdbc sends a multi-statement
 * execution in one round trip. Thread-safe.
 */
final class PostgresStatements extends SqlStatements implements PipelinedStatements {

    /** An arbitrary constant key for pg_advisory_xact_lock: "credits" in ASCII. */
    private static final long SCHEMA_LOCK_KEY = 0x63726564697473L;

    private final String lockTimeoutStatement;

    PostgresStatements(Dialect dialect, String prefix, Duration lockTimeout) {
        super(dialect, prefix, lockTimeout);
        this.lockTimeoutStatement = "SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'";
    }

    @Override
    String lockTimeoutStatement() {
        // Bounds every lock wait of the transaction (the account row, a promotion's counter) and ends with it.
        return lockTimeoutStatement;
    }

    @Override
    boolean isLockTimeout(SQLException e) {
        // 55P03 lock_not_available: lock_timeout expired.
        return "55P03".equals(e.getSQLState());
    }

    @Override
    String insertAccount() {
        return super.insertAccount() + " ON CONFLICT (account_id) DO NOTHING";
    }

    @Override
    String insertFeature() {
        return super.insertFeature() + " ON CONFLICT (feature_key) DO NOTHING";
    }

    @Override
    String insertAccountLink() {
        return super.insertAccountLink() + " ON CONFLICT (reference) DO NOTHING";
    }

    @Override
    String upsertBalance() {
        return "INSERT INTO " + balances + " (account_id, credit_type, balance, held)"
                + " VALUES (:accountId, :creditType, :balance, :held)"
                + " ON CONFLICT (account_id, credit_type) DO UPDATE SET balance = EXCLUDED.balance, held = EXCLUDED.held";
    }

    @Override
    String snapshotReadStatement() {
        // Reads see one MVCC snapshot without locking: they never wait for writers nor make writers wait.
        return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    }

    @Override
    String readCommittedStatement() {
        return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
    }

    @Override
    String schemaLockStatement() {
        return "SELECT 1 FROM pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")";
    }

    @Override
    String countTables() {
        return "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = :name";
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    @Override
    boolean isConnectionFailure(SQLException e) {
        // 57P01..57P03: admin shutdown, crash shutdown, cannot connect now.
        String state = e.getSQLState();
        return super.isConnectionFailure(e) || (state != null && state.startsWith("57P"));
    }

    // ---------------------------------------------------------------- pipelined (one round trip each)
    //
    // Built once: the same String instances every time, so pgjdbc's statement cache and Pipeline's SQL cache find
    // them by identity and a cached hash instead of hashing kilobytes of SQL per unit of work.

    private final String pipelinedLockAccount = positional(lockAccount());
    private final String pipelinedSelectAccount = positional(selectAccount());
    private final String pipelinedBalances = positional(selectBalances());
    private final String pipelinedLiveLots = positional(selectLiveLots());
    private final String pipelinedDueHolds = positional(selectOpenHoldsDue());
    private final String pipelinedFeature = positional(selectFeature());
    private final String pipelinedIdempotency = positional(selectIdempotency());
    private final String pipelinedUpdateAccount = checked(positional(updateAccount()), CHECK_ACCOUNT, 1);
    private final String pipelinedInsertIdempotency = checked("INSERT INTO " + idempotency + " (account_id,"
            + " idempotency_key, fingerprint, result, created_at_micros) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (account_id, idempotency_key) DO NOTHING", CHECK_IDEMPOTENCY, 1);
    private final ByRows upsertBalances = new ByRows(rows -> "INSERT INTO " + balances
            + " (account_id, credit_type, balance, held) VALUES " + Pipeline.values("(?, ?, ?, ?)", rows)
            + " ON CONFLICT (account_id, credit_type) DO UPDATE SET balance = EXCLUDED.balance, held = EXCLUDED.held");
    private final ByRows insertLots = new ByRows(this::multiRowInsertLots);
    private final ByRows updateLots = new ByRows(rows -> checked("UPDATE " + lots + " AS l SET remaining = v.remaining,"
            + " held = v.held, live = v.live FROM (VALUES "
            + Pipeline.values("(CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BOOLEAN))", rows)
            + ") AS v (lot_id, remaining, held, live) WHERE l.lot_id = v.lot_id AND l.account_id = ?", CHECK_LOTS, rows));
    private final ByRows insertHolds = new ByRows(this::multiRowInsertHolds);
    private final ByRows updateHolds = new ByRows(rows -> checked("UPDATE " + holds + " AS h SET status = v.status,"
            + " resolved_at_micros = v.resolved_at, committed_credits = v.committed_credits,"
            + " transaction_id = v.transaction_id FROM (VALUES "
            + Pipeline.values("(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS BIGINT),"
            + " CAST(? AS VARCHAR))", rows)
            + ") AS v (hold_id, status, resolved_at, committed_credits, transaction_id)"
            + " WHERE h.hold_id = v.hold_id AND h.account_id = ? AND h.status = 'OPEN'", CHECK_HOLDS, rows));
    private final ByRows insertEntries = new ByRows(this::multiRowInsertEntries);
    private final ByRows insertAllocations = new ByRows(this::multiRowInsertAllocations);

    @Override
    boolean pipelines() {
        return true;
    }

    @Override
    public String pipelinedAccount(boolean readOnly) {
        return readOnly ? pipelinedSelectAccount : pipelinedLockAccount;
    }

    @Override
    public String pipelinedBalances() {
        return pipelinedBalances;
    }

    @Override
    public String pipelinedLiveLots() {
        return pipelinedLiveLots;
    }

    @Override
    public String pipelinedDueHolds() {
        return pipelinedDueHolds;
    }

    @Override
    public String pipelinedFeature() {
        return pipelinedFeature;
    }

    @Override
    public String pipelinedIdempotency() {
        return pipelinedIdempotency;
    }

    @Override
    public boolean checksInDatabase() {
        return true;
    }

    @Override
    public String pipelinedCommit() {
        return "COMMIT";
    }

    @Override
    public String pipelinedUpdateAccount() {
        return pipelinedUpdateAccount;
    }

    @Override
    public String pipelinedUpsertBalances(int rows) {
        return upsertBalances.get(rows);
    }

    @Override
    public String pipelinedInsertLots(int rows) {
        return insertLots.get(rows);
    }

    @Override
    public String pipelinedUpdateLots(int rows) {
        return updateLots.get(rows);
    }

    @Override
    public String pipelinedInsertHolds(int rows) {
        return insertHolds.get(rows);
    }

    @Override
    public String pipelinedUpdateHolds(int rows) {
        return updateHolds.get(rows);
    }

    @Override
    public String pipelinedInsertEntries(int rows) {
        return insertEntries.get(rows);
    }

    @Override
    public String pipelinedInsertAllocations(int rows) {
        return insertAllocations.get(rows);
    }

    @Override
    public String pipelinedInsertIdempotency() {
        return pipelinedInsertIdempotency;
    }

    /**
     * Wraps a modification into a statement that returns one row if it changed exactly {@code rows} rows, and
     * otherwise fails (SQLState 22P02, invalid integer) with {@link #CHECK_FAILED}{@code <what> <changed> of <rows>}
     * in the message: the cast's input depends on the row count, so it is evaluated only on that branch, at run time.
     */
    private static String checked(String modification, String what, int rows) {
        return "WITH changed AS (" + modification + " RETURNING 1) SELECT CASE WHEN count(*) = " + rows
                + " THEN 1 ELSE CAST('" + CHECK_FAILED + what + " ' || count(*) || ' of " + rows
                + "' AS INTEGER) END FROM changed";
    }
}
