package dev.credits.jdbc;

import dev.credits.CreditsException;
import dev.credits.InvalidArgumentException;
import dev.credits.LockTimeoutException;
import dev.credits.SchemaMissingException;
import dev.credits.StoreUnavailableException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sorts database failures into what the store does with them. Stateless; thread-safe. */
final class Failures {

    /** A transient conflict (deadlock, serialization failure): the unit of work may run again. */
    static final class Transient extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Transient(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** An SQLException of a statement the store ran on the plain JDBC connection (a {@link Pipeline}). */
    static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private Failures() {
    }

    /** @return the most specific SQLException in the cause chain (following getNextException of batches), or null */
    static SQLException sqlCause(Throwable failure) {
        SQLException found = null;
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException sqlException) {
                found = sqlException;
                // A batch failure (java.sql.BatchUpdateException) carries the real error as its next exception.
                SQLException next = sqlException.getNextException();
                if (next != null && next.getSQLState() != null && sqlException.getSQLState() == null) {
                    found = next;
                }
                if (found.getSQLState() != null) {
                    return found;
                }
            }
        }
        return found;
    }

    /**
     * Translates a failure of a store operation. Failures that are not the database's (the unit of work's own
     * exceptions, {@link CreditsException}s) come back unchanged.
     *
     * @return a {@link Transient} to retry, a {@link CreditsException}, or {@code failure} itself
     */
    static RuntimeException translate(RuntimeException failure, SqlStatements sql, String operation) {
        if (failure instanceof CreditsException || failure instanceof Transient) {
            return failure;
        }
        if (!(failure instanceof JdbiException) && !(failure instanceof SqlFailure)) {
            return failure;
        }
        SQLException cause = sqlCause(failure);
        if (cause != null && sql != null && sql.isTransient(cause) && !sql.isLockTimeout(cause)) {
            return new Transient(failure);
        }
        operation = describe(operation);
        if (cause == null) {
            if (failure instanceof ConnectionException) {
                return new StoreUnavailableException(operation + ": cannot get a database connection", failure);
            }
            return new StoreUnavailableException(operation + " failed: " + failure.getMessage(), failure);
        }
        if (sql != null && sql.isLockTimeout(cause)) {
            return new LockTimeoutException(operation + ": timed out after " + sql.lockTimeout.toMillis()
                    + " ms waiting for a lock another transaction holds; nothing was changed (SQLState "
                    + cause.getSQLState() + "): " + cause.getMessage(), sql.lockTimeout, failure);
        }
        if (failure instanceof ConnectionException || (sql != null && sql.isConnectionFailure(cause))) {
            return new StoreUnavailableException(operation + ": database unavailable (SQLState " + cause.getSQLState()
                    + "): " + cause.getMessage(), failure);
        }
        if (isMissingTable(cause)) {
            return new SchemaMissingException(operation + ": a credits table is missing"
                    + (sql != null ? " (table prefix '" + sql.prefix + "')" : "") + ": call"
                    + " JdbiCreditStore.installSchema() at start, or run the shipped migrations (store.migrations())"
                    + " with the same prefix (SQLState " + cause.getSQLState() + "): " + cause.getMessage(), failure);
        }
        if (SqlStatements.isDataException(cause)) {
            InvalidArgumentException invalid = new InvalidArgumentException("value",
                    "rejected by the database (SQLState " + cause.getSQLState() + "): " + cause.getMessage());
            invalid.initCause(failure);
            return invalid;
        }
        return new StoreUnavailableException(operation + " failed (SQLState " + cause.getSQLState() + ", error "
                + cause.getErrorCode() + "): " + cause.getMessage(), failure);
    }

    /**
     * Names a store operation after the public call it serves: {@code "inAccount of account 'a'"} (or a unit over that
     * one account, {@code "inAccounts of account 'a'"}) made by {@code deductCredits} becomes
     * {@code "deductCredits on account 'a'"}, others {@code "openAccount (findAccount)"}.
     * The call is the outermost frame of the API package ({@code dev.credits}) on the stack: read only when a message
     * is built, so the ledger passes nothing down.
     */
    static String describe(String operation) {
        String call = StackWalker.getInstance().walk(frames -> frames
                .filter(frame -> isApi(frame.getClassName()))
                .reduce((inner, outer) -> outer)
                .map(frame -> callName(frame.getMethodName()))
                .orElse(null));
        if (call == null) {
            return operation;
        }
        Matcher unit = UNIT_OF_WORK.matcher(operation);
        return unit.matches() ? call + " on " + unit.group(1) : call + " (" + operation + ")";
    }

    private static final Pattern UNIT_OF_WORK = Pattern.compile("(?:inAccounts?|readAccount) of (account '.*')",
            Pattern.DOTALL);

    /** Classes of the API package itself, not its tests (which share the package). */
    private static boolean isApi(String className) {
        return className.startsWith(API_PACKAGE) && className.indexOf('.', API_PACKAGE.length()) < 0
                && !className.endsWith("Test");
    }

    private static final String API_PACKAGE = "dev.credits.";

    /** {@code lambda$deductCredits$3} -> {@code deductCredits}. */
    private static String callName(String methodName) {
        if (methodName.startsWith("lambda$")) {
            int end = methodName.indexOf('$', "lambda$".length());
            return end < 0 ? methodName : methodName.substring("lambda$".length(), end);
        }
        return methodName;
    }

    static boolean isMissingTable(SQLException e) {
        String state = e.getSQLState();
        // PostgreSQL 42P01, H2 42S02 / 42S04 / 42102, MariaDB 42S02.
        return "42P01".equals(state) || "42S02".equals(state) || "42S04".equals(state) || e.getErrorCode() == 42102;
    }
}
