package dev.credits.jdbc;

import java.sql.SQLException;

/**
 * MariaDB and MySQL (InnoDB): ON DUPLICATE KEY UPDATE for upserts, snapshot reads, vendor codes
 * for deadlocks and lock wait timeouts. Duplicate inserts are detected by their error (SQLState 23000), not with
 * INSERT IGNORE, which would also turn data errors (a too long value) into silently truncating warnings.
 * Thread-safe.
 */
final class MariaDbStatements extends SqlStatements {

    /** ER_LOCK_DEADLOCK (SQLState 40001). */
    private static final int DEADLOCK = 1213;
    /** ER_LOCK_WAIT_TIMEOUT (SQLState HY000). */
    private static final int LOCK_WAIT_TIMEOUT = 1205;
    /** ER_CHECKREAD "Record has changed since last read" (MariaDB with innodb_snapshot_isolation). */
    private static final int RECORD_CHANGED = 1020;

    MariaDbStatements(Dialect dialect, String prefix) {
        super(dialect, prefix);
    }

    @Override
    String upsertBalance() {
        return "INSERT INTO " + balances + " (account_id, credit_type, balance, held)"
                + " VALUES (:accountId, :creditType, :balance, :held)"
                + " ON DUPLICATE KEY UPDATE balance = VALUES(balance), held = VALUES(held)";
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
    boolean isTransient(SQLException e) {
        int code = e.getErrorCode();
        return super.isTransient(e) || code == DEADLOCK || code == LOCK_WAIT_TIMEOUT || code == RECORD_CHANGED;
    }
}
