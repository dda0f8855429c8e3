package dev.credits.jdbc;

import dev.credits.StoreConfigurationException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings one database and table prefix to the schema versions of the jar, one version per call of
 * {@link #applyNext}, and keeps the record of them in the version table ({@code <prefix>schema_version}). The store
 * calls it under its install lock (see {@link JdbiCreditStore#installSchema()}): inside a transaction where DDL is
 * transactional, so a version and its record commit together; otherwise statement by statement, recording the
 * version last, so a version cut off halfway is applied again from its first (idempotent) statement. Immutable;
 * thread-safe.
 */
final class SchemaMigrator {

    /** What {@link #applyNext} did. */
    enum Outcome {
        /** Ran the version's statements and recorded it (as a baseline when it adopted tables found in place). */
        APPLIED,
        /** Ran the version's statements, but another connection recorded it first (H2 server, no lock). */
        RECORDED_ELSEWHERE,
        /** Every version is applied: nothing was done. */
        UP_TO_DATE
    }

    /** @param version the version applied (null when up to date) */
    record Step(Outcome outcome, Schema.Version version, boolean baseline) {
    }

    /** One row of the version table. */
    record AppliedVersion(int number, String description, String script, String checksum, boolean baseline,
                          long appliedAtMicros) {
    }

    private final SqlStatements sql;
    private final List<Schema.Version> versions;
    private final Map<Integer, Schema.Version> byNumber = new HashMap<>();

    SchemaMigrator(SqlStatements sql, List<Schema.Version> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("no schema versions");
        }
        this.sql = sql;
        this.versions = List.copyOf(versions);
        versions.forEach(version -> byNumber.put(version.number(), version));
    }

    /** @return the rows of the version table, oldest version first; none when it does not exist */
    List<AppliedVersion> applied(Handle handle) {
        if (!tableExists(handle, sql.schemaVersions)) {
            return List.of();
        }
        return handle.createQuery(sql.selectSchemaVersions())
                .map((rs, ctx) -> new AppliedVersion(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getBoolean(5), rs.getLong(6)))
                .list();
    }

    /**
     * Checks what the version table records against the jar's versions, then applies the oldest version not recorded.
     *
     * @throws StoreConfigurationException if the database is newer than the jar, a recorded version's file changed,
     *                                     or tables found without a version table do not match the first version
     */
    Step applyNext(Handle handle) {
        List<AppliedVersion> applied = applied(handle);
        check(applied);
        Set<Integer> recorded = new HashSet<>();
        applied.forEach(row -> recorded.add(row.number()));
        Schema.Version next = versions.stream().filter(v -> !recorded.contains(v.number())).findFirst().orElse(null);
        if (next == null) {
            return new Step(Outcome.UP_TO_DATE, null, false);
        }
        List<String> statements = next.statements(sql.prefix);
        boolean baseline = applied.isEmpty() && next == versions.get(0) && adoptsTablesInPlace(handle, next, statements);
        // Creates what is missing (every shipped statement is idempotent): an install cut off halfway is completed.
        statements.forEach(handle::execute);
        if (applied.isEmpty()) {
            // Created only now, so that a refusal leaves the database exactly as it was.
            handle.execute(sql.createSchemaVersionTable());
        }
        try {
            handle.createUpdate(sql.insertSchemaVersion())
                    .bind("version", next.number())
                    .bind("description", next.description())
                    .bind("script", next.fileName())
                    .bind("checksum", next.checksum())
                    .bind("baseline", baseline)
                    .bind("appliedAt", Rows.micros(Instant.now()))
                    .execute();
        } catch (JdbiException e) {
            SQLException cause = Failures.sqlCause(e);
            if (!sql.transactionalDdl() && cause != null && SqlStatements.isConstraintViolation(cause)) {
                return new Step(Outcome.RECORDED_ELSEWHERE, next, baseline);
            }
            throw e;
        }
        return new Step(Outcome.APPLIED, next, baseline);
    }

    /**
     * Whether tables of the first version exist although no version is recorded: an install made before the version
     * table existed (or by a host's Flyway or Liquibase). Each existing table must have every column the version
     * declares; the version's idempotent statements then create whatever is missing.
     */
    private boolean adoptsTablesInPlace(Handle handle, Schema.Version first, List<String> statements) {
        boolean found = false;
        for (Map.Entry<String, List<String>> table : Schema.createdColumns(statements).entrySet()) {
            if (!tableExists(handle, table.getKey())) {
                continue;
            }
            found = true;
            try {
                handle.createQuery("SELECT " + String.join(", ", table.getValue()) + " FROM " + table.getKey()
                        + " WHERE 1 = 0").mapToMap().list();
            } catch (JdbiException e) {
                SQLException cause = Failures.sqlCause(e);
                String state = cause == null ? null : cause.getSQLState();
                if (state == null || !state.startsWith("42")) {
                    throw e;
                }
                StoreConfigurationException refusal = new StoreConfigurationException("installSchema: tables with"
                        + " the prefix '" + sql.prefix + "' exist without a record of their schema version, and "
                        + table.getKey() + " lacks columns of version " + first.number() + " (" + first.fileName()
                        + "), so they cannot be adopted as that version: " + cause.getMessage() + ". They were"
                        + " probably created by a development build of credits-jdbc: migrate them by hand, or drop"
                        + " them (or use another table prefix). No version was recorded.");
                refusal.initCause(e);
                throw refusal;
            }
        }
        return found;
    }

    private boolean tableExists(Handle handle, String table) {
        return handle.createQuery(sql.countTables()).bind("name", table).mapTo(Integer.class).one() > 0;
    }

    /** Refuses a database the jar cannot safely go on with; says which version and why. */
    private void check(List<AppliedVersion> applied) {
        if (applied.isEmpty()) {
            return;
        }
        Schema.Version newestKnown = versions.get(versions.size() - 1);
        AppliedVersion newest = applied.get(applied.size() - 1);
        if (newest.number() > newestKnown.number()) {
            throw new StoreConfigurationException("installSchema: the credits tables with the prefix '" + sql.prefix
                    + "' are at schema version " + newest.number() + " (" + newest.script() + ", applied at "
                    + Rows.instant(newest.appliedAtMicros()) + "), newer than this credits-jdbc, which knows versions"
                    + " up to " + newestKnown.number() + ". A newer credits-jdbc upgraded this database: run that"
                    + " version or a later one (going back to an older one is not supported). Nothing was changed.");
        }
        Set<Integer> recorded = new HashSet<>();
        for (AppliedVersion row : applied) {
            recorded.add(row.number());
            Schema.Version shipped = byNumber.get(row.number());
            if (shipped == null) {
                throw new StoreConfigurationException("installSchema: " + sql.schemaVersions + " records schema"
                        + " version " + row.number() + " (" + row.script() + "), which this credits-jdbc does not"
                        + " have (it has versions " + versions.stream().map(Schema.Version::number).toList()
                        + "): the database was migrated by another build. Nothing was changed.");
            }
            if (!shipped.checksum().equals(row.checksum())) {
                throw new StoreConfigurationException("installSchema: schema version " + row.number() + " ("
                        + shipped.fileName() + ") was applied to the tables with the prefix '" + sql.prefix
                        + "' from a file with checksum " + row.checksum() + ", but this credits-jdbc ships "
                        + shipped.fileName() + " with checksum " + shipped.checksum() + ": the file changed after it"
                        + " was applied, so the database may not be what this build expects. Run the credits-jdbc that"
                        + " applied it, or compare the two files and correct " + sql.schemaVersions + " by hand."
                        + " Nothing was changed.");
            }
        }
        for (Schema.Version version : versions) {
            if (version.number() < newest.number() && !recorded.contains(version.number())) {
                throw new StoreConfigurationException("installSchema: schema version " + version.number() + " ("
                        + version.fileName() + ") is not recorded in " + sql.schemaVersions + " although version "
                        + newest.number() + " is; versions are applied in order, so the table was changed by hand."
                        + " Nothing was changed.");
            }
        }
    }
}
