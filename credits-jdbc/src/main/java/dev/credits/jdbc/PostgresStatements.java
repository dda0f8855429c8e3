package dev.credits.jdbc;

import java.sql.SQLException;

/**
 * PostgreSQL: ON CONFLICT for upserts and duplicate-tolerant inserts, FOR SHARE for reads, transactional DDL
 * behind an advisory lock. Thread-safe.
 */
final class PostgresStatements extends SqlStatements {

    /** An arbitrary constant key for pg_advisory_xact_lock: "credits" in ASCII. */
    private static final long SCHEMA_LOCK_KEY = 0x63726564697473L;

    PostgresStatements(Dialect dialect, String prefix) {
        super(dialect, prefix);
    }

    @Override
    String lockAccountShared() {
        return selectAccount() + " FOR SHARE";
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
    String upsertBalance() {
        return "INSERT INTO " + balances + " (account_id, credit_type, balance, held)"
                + " VALUES (:accountId, :creditType, :balance, :held)"
                + " ON CONFLICT (account_id, credit_type) DO UPDATE SET balance = EXCLUDED.balance, held = EXCLUDED.held";
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
    boolean transactionalDdl() {
        return true;
    }

    @Override
    boolean isTransient(SQLException e) {
        // 55P03 lock_not_available: a lock_timeout set by the host expired.
        return super.isTransient(e) || "55P03".equals(e.getSQLState());
    }

    @Override
    boolean isConnectionFailure(SQLException e) {
        // 57P01..57P03: admin shutdown, crash shutdown, cannot connect now.
        String state = e.getSQLState();
        return super.isConnectionFailure(e) || (state != null && state.startsWith("57P"));
    }
}
