package dev.credits.jdbc;

import dev.credits.LockTimeoutException;
import dev.credits.StoreUnavailableException;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link JdbiCreditStore#installSchema()}: applies the versions the database lacks through {@link SchemaMigrator},
 * one transaction per version where DDL is transactional (PostgreSQL), else statement by statement under a session
 * lock (MariaDB/MySQL) or in turns inside the JVM (H2), on its store's connections and retries. Not thread-safe; one
 * per install.
 */
final class SchemaInstall {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstall.class);
    /** Installs of this JVM on H2 take turns (see {@link #install}). */
    private static final Object INSTALL_LOCK = new Object();
    private static final int INSTALL_RETRIES = 3;

    private final JdbiCreditStore store;
    private final SqlStatements sql;
    private final String tablePrefix;

    SchemaInstall(JdbiCreditStore store, SqlStatements sql, String tablePrefix) {
        this.store = store;
        this.sql = sql;
        this.tablePrefix = tablePrefix;
    }

    List<Integer> install(List<String> resources) {
        List<Schema.Version> versions = Schema.versions(resources);
        SchemaMigrator migrator = new SchemaMigrator(sql, versions);
        List<Integer> applied = new ArrayList<>();
        if (sql.dialect == Dialect.H2) {
            // H2 has no lock that outlasts its DDL's implicit commits. An embedded database belongs to one process, whose
            // installs take turns here (H2 also trips over its own concurrent CREATE INDEX IF NOT EXISTS).
            synchronized (INSTALL_LOCK) {
                migrate(migrator, applied);
            }
        } else {
            migrate(migrator, applied);
        }
        LOG.info("credits schema up to date at version {} (dialect {}, table prefix {}); applied now: {}",
                versions.isEmpty() ? 0 : versions.get(versions.size() - 1).number(), sql.dialect, tablePrefix, applied);
        return applied;
    }

    private void migrate(SchemaMigrator migrator, List<Integer> applied) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (sql.transactionalDdl()) {
                    migrateInTransactions(migrator, applied);
                } else {
                    migrateStatementByStatement(migrator, applied);
                }
                return;
            } catch (StoreUnavailableException e) {
                // A failure that is not the connection's (H2 server: a race with another process's DDL) is run again;
                // what was recorded stays recorded, and a version cut off halfway starts again from its first statement.
                SQLException cause = Failures.sqlCause(e);
                boolean unreachable = cause == null || sql.isConnectionFailure(cause);
                if (attempt > INSTALL_RETRIES || unreachable) {
                    throw e;
                }
                LOG.debug("credits schema install attempt {} failed, running it again: {}", attempt, e.getMessage());
            }
        }
    }

    /** Transactional DDL (PostgreSQL): one transaction per version, each under the install lock. */
    private void migrateInTransactions(SchemaMigrator migrator, List<Integer> applied) {
        while (true) {
            SchemaMigrator.Step step = store.withRetries("installSchema", s -> store.attempt(s, "installSchema", handle -> {
                if (sql.schemaLockStatement() != null) {
                    handle.createQuery(sql.schemaLockStatement()).mapTo(Integer.class).one();
                }
                return migrator.applyNext(handle);
            }, true, true));
            if (step.outcome() == SchemaMigrator.Outcome.UP_TO_DATE) {
                return;
            }
            logApplied(step);
            applied.add(step.version().number());
        }
    }

    /** DDL that commits implicitly (H2, MariaDB/MySQL): one connection, statement by statement, under a session lock. */
    private void migrateStatementByStatement(SchemaMigrator migrator, List<Integer> applied) {
        store.autocommit("installSchema", handle -> {
            boolean locked = lockSchema(handle, sql);
            try {
                for (SchemaMigrator.Step step = migrator.applyNext(handle);
                     step.outcome() != SchemaMigrator.Outcome.UP_TO_DATE; step = migrator.applyNext(handle)) {
                    if (step.outcome() == SchemaMigrator.Outcome.APPLIED) {
                        logApplied(step);
                    }
                    applied.add(step.version().number());
                }
            } finally {
                if (locked) {
                    unlockSchema(handle, sql);
                }
            }
            return null;
        });
    }

    private void logApplied(SchemaMigrator.Step step) {
        LOG.info("credits schema: {} version {} ({}) for the table prefix {}",
                step.baseline() ? "adopted the existing tables as" : "applied", step.version().number(),
                step.version().fileName(), tablePrefix);
    }

    /** Takes the session lock of {@link SqlStatements#schemaLockStatement()}; false where there is none. */
    private static boolean lockSchema(Handle handle, SqlStatements sql) {
        if (sql.schemaLockStatement() == null) {
            return false;
        }
        Integer got = handle.createQuery(sql.schemaLockStatement()).mapTo(Integer.class).one();
        if (got == null || got != 1) {
            throw new LockTimeoutException("installSchema: another connection has been installing the credits schema"
                    + " (prefix " + sql.prefix + ") for " + SqlStatements.SCHEMA_LOCK_WAIT.toMinutes() + " minutes;"
                    + " nothing was changed", SqlStatements.SCHEMA_LOCK_WAIT, null);
        }
        return true;
    }

    private static void unlockSchema(Handle handle, SqlStatements sql) {
        try {
            handle.createQuery(sql.schemaUnlockStatement()).mapTo(Integer.class).one();
        } catch (RuntimeException e) {
            // The lock belongs to the session: a connection that is still alive would go back to the pool holding it,
            // and every later install would wait for it. Ending the connection releases it.
            LOG.warn("credits schema: could not release the install lock; closing the connection that holds it", e);
            try {
                handle.getConnection().abort(Runnable::run);
            } catch (SQLException | RuntimeException abortFailure) {
                LOG.debug("credits schema: aborting the connection failed too", abortFailure);
            }
        }
    }
}
