package dev.credits.jdbc;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;

/** H2 2.x: MERGE ... KEY for upserts, H2's own lock-timeout and connection error codes. Thread-safe. */
final class H2Statements extends SqlStatements {

    /** org.h2.api.ErrorCode.LOCK_TIMEOUT_1 (SQLState HYT00). */
    private static final int LOCK_TIMEOUT = 50200;
    /** org.h2.api.ErrorCode.CONCURRENT_UPDATE_1. */
    private static final int CONCURRENT_UPDATE = 90131;
    /** CONNECTION_BROKEN_1, DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN. */
    private static final int CONNECTION_BROKEN = 90067;
    private static final int DATABASE_IS_CLOSED = 90098;
    private static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;

    H2Statements(Dialect dialect, String prefix, Duration lockTimeout) {
        super(dialect, prefix, lockTimeout);
    }

    @Override
    String lockWait() {
        // Seconds with millisecond precision (H2 accepts up to 2147483.647).
        return " WAIT " + BigDecimal.valueOf(lockTimeout.toMillis(), 3).toPlainString();
    }

    @Override
    boolean isLockTimeout(SQLException e) {
        return e.getErrorCode() == LOCK_TIMEOUT;
    }

    @Override
    String upsertBalances(int rows) {
        return "MERGE INTO " + balances + " (" + Tables.BALANCES.columnList() + ") KEY (account_id, credit_type)"
                + " VALUES " + Pipeline.values(Tables.BALANCES.rowParameters(), rows);
    }

    private final ByRows upsertUsage = new ByRows(rows -> {
        String columns = Tables.USAGE_BUCKETS.columnList();
        return "MERGE INTO " + prefix + "usage_buckets u USING (VALUES "
                + Pipeline.values(Tables.USAGE_BUCKETS.rowParameters(), rows) + ") AS s (" + columns + ")"
                + " ON u.account_id = s.account_id AND u.bucket_start_micros = s.bucket_start_micros"
                + " AND u.group_key = s.group_key WHEN MATCHED THEN UPDATE SET "
                + usageSums(c -> c + " = u." + c + " + s." + c) + " WHEN NOT MATCHED THEN INSERT (" + columns
                + ") VALUES (s." + columns.replace(", ", ", s.") + ")";
    });

    @Override
    String upsertUsage(int rows) {
        return upsertUsage.get(rows);
    }

    @Override
    String countTables() {
        return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = CURRENT_SCHEMA"
                + " AND UPPER(TABLE_NAME) = UPPER(:name)";
    }

    @Override
    boolean isTransient(SQLException e) {
        return super.isTransient(e) || e.getErrorCode() == CONCURRENT_UPDATE;
    }

    @Override
    boolean isConnectionFailure(SQLException e) {
        int code = e.getErrorCode();
        return super.isConnectionFailure(e) || code == CONNECTION_BROKEN || code == DATABASE_IS_CLOSED
                || code == DATABASE_CALLED_AT_SHUTDOWN;
    }
}
