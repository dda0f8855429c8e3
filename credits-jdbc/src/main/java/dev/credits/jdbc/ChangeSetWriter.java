package dev.credits.jdbc;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.EventChanges;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.OrgChanges;
import org.jdbi.v3.core.mapper.RowMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * Writes a unit of work's change set: each kind of row through its table's {@link RowDefinition}, in one order, by one
 * of two transports. {@link #batches} sends one JDBC batch of one-row statements per kind of row (dialects that do not
 * pipeline); {@link #pipeline} puts multi-row statements of every kind into one {@link Pipeline} (PostgreSQL, and
 * MariaDB/MySQL with multi-statement queries). Both bind a row the same way, from the same definition, and check the
 * same row counts: the account row (its sequence read under the lock), each updated lot, each hold leaving OPEN, the
 * idempotency key. Not thread-safe; one per write.
 */
final class ChangeSetWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeSetWriter.class);
    private static final RowMapper<Integer> CHECKED = (resultSet, context) -> resultSet.getInt(1);

    /** Rows per multi-row statement of a pipelined write (PostgreSQL allows 65535 parameters per statement). */
    private static final int ROWS_PER_STATEMENT = 500;

    /** What a statement's row count must be: nothing, 1 (the account row), one per row, or a new key (idempotency). */
    enum Check { NONE, ACCOUNT, LOTS, HOLDS, IDEMPOTENCY }

    /**
     * One kind of row: its statement for n rows, the rows, how a row binds, the value bound after the rows; its
     * position among the kinds (the same in every change set, so several can be written together kind by kind) and
     * its kind for {@link SqlStatements#arrayForm} (null: none).
     */
    private record Step<R>(IntFunction<String> sql, List<R> rows, BiConsumer<R, RowDefinition.Params> bind,
                           Object trailing, int trailingType, Check check, int position, Object kind) {
    }

    private final SqlStatements sql;
    private final String accountId;
    private final Account locked;
    private final List<Step<?>> steps = new ArrayList<>();
    private IdempotencyRecord idempotency;
    /** The position of the next kind of row (see {@link Step}). */
    private int position;

    /**
     * @param locked the account row as the unit of work read it under the lock
     */
    ChangeSetWriter(SqlStatements sql, Account locked, ChangeSet changes) {
        this.sql = sql;
        this.accountId = locked.accountId();
        this.locked = locked;
        Account next = changes.account();
        int accountPosition = position++;
        if (next != null && !next.equals(locked)) {
            own(next.accountId());
            steps.add(new Step<>(rows -> sql.updateAccount(), List.of(next), Tables.ACCOUNT_UPDATE::bind,
                    locked.sequence(), java.sql.Types.BIGINT, Check.ACCOUNT, accountPosition, Tables.ACCOUNT_UPDATE));
        }
        add(sql::upsertBalances, changes.balances(), Tables.BALANCES::bind, b -> b.accountId(), Tables.BALANCES);
        add(rows -> sql.insert(Tables.LOTS, rows), changes.insertedLots(), Tables.LOTS::bind, l -> l.accountId(),
                Tables.LOTS);
        addUpdate(rows -> sql.update(Tables.LOT_UPDATE, rows), changes.updatedLots(), Tables.LOT_UPDATE::bind,
                l -> l.accountId(), Check.LOTS, Tables.LOT_UPDATE);
        add(rows -> sql.insert(Tables.HOLDS, rows), changes.insertedHolds(), Tables.HOLDS::bind, h -> h.accountId(),
                Tables.HOLDS);
        addUpdate(rows -> sql.update(Tables.HOLD_UPDATE, rows), changes.updatedHolds(), Tables.HOLD_UPDATE::bind,
                h -> h.accountId(), Check.HOLDS, Tables.HOLD_UPDATE);
        List<Allocation> lines = new ArrayList<>();
        List<Tables.EntryRow> entries = entryRows(changes.entries(), changes.allocations(), lines);
        add(rows -> sql.insert(Tables.ENTRIES, rows), entries, Tables.ENTRIES::bind, e -> e.entry().accountId(),
                Tables.ENTRIES);
        add(rows -> sql.insert(Tables.ALLOCATIONS, rows), lines, Tables.ALLOCATIONS::bind, a -> accountId,
                Tables.ALLOCATIONS);
        // One checked one-row insert per record: a duplicate key fails the statement that inserts it.
        int idempotencyPosition = position++;
        for (IdempotencyRecord record : changes.idempotency()) {
            own(record.accountId());
            if (idempotency == null) {
                idempotency = record;
            }
            steps.add(new Step<>(rows -> sql.insertIdempotency(), List.of(record), Tables.IDEMPOTENCY::bind, null,
                    0, Check.IDEMPOTENCY, idempotencyPosition, Tables.IDEMPOTENCY));
        }
        EventChanges events = changes.events();
        add(rows -> sql.insert(Tables.EVENTS, rows), events.events(), Tables.EVENTS::bind, e -> e.accountId(),
                Tables.EVENTS);
        // An alert state is replaced: the account's rows of these credit types go, the new ones come.
        addUpdate(rows -> "DELETE FROM " + sql.prefix + Tables.ALERT_STATES.table() + " WHERE credit_type IN ("
                        + String.join(", ", java.util.Collections.nCopies(rows, "?")) + ") AND account_id = ?",
                events.alertStates(), (state, params) -> params.add(state.creditType(), java.sql.Types.VARCHAR),
                a -> a.accountId(), Check.NONE, null);
        add(rows -> sql.insert(Tables.ALERT_STATES, rows), events.alertStates(), Tables.ALERT_STATES::bind,
                a -> a.accountId(), null);
        add(rows -> sql.insert(Tables.EXPIRY_NOTICES, rows), events.notices(), Tables.EXPIRY_NOTICES::bind,
                n -> n.accountId(), Tables.EXPIRY_NOTICES);
        // Numbered by the database (audit_no) in the order of the rows.
        add(rows -> sql.insert(Tables.AUDIT_RECORDS, rows), changes.audits(), Tables.AUDIT_RECORDS::bind,
                a -> a.accountId(), Tables.AUDIT_RECORDS);
        add(sql::upsertUsage, changes.usage(), Tables.USAGE_BUCKETS::bind, u -> u.accountId(),
                Tables.USAGE_BUCKETS); // reports
        addOrgs(changes.orgs());
    }

    /**
     * The entries as rows: an entry whose receipt is one line (position 0, written with it) carries that line; every
     * other line goes to {@code rest}, a row of allocations (see the schema's version 9).
     */
    private static List<Tables.EntryRow> entryRows(List<LedgerEntry> entries, List<Allocation> lines,
                                                   List<Allocation> rest) {
        Map<String, Integer> linesPerOwner = new HashMap<>();
        lines.forEach(line -> linesPerOwner.merge(line.ownerId(), 1, Integer::sum));
        Map<String, Allocation> alone = new HashMap<>();
        for (Allocation line : lines) {
            if (line.position() == 0 && linesPerOwner.get(line.ownerId()) == 1) {
                alone.put(line.ownerId(), line);
            }
        }
        List<Tables.EntryRow> rows = new ArrayList<>(entries.size());
        Set<String> carried = new HashSet<>();
        for (LedgerEntry entry : entries) {
            Allocation line = alone.get(entry.transactionId());
            if (line != null) {
                carried.add(entry.transactionId());
            }
            rows.add(new Tables.EntryRow(entry, line));
        }
        for (Allocation line : lines) {
            if (!carried.contains(line.ownerId())) {
                rest.add(line);
            }
        }
        return rows;
    }

    /** Caps and cap usage rows are replaced: the account's rows they name go, the new ones come. */
    private void addOrgs(OrgChanges orgs) {
        if (orgs.isEmpty()) {
            return;
        }
        List<String> capIds = new ArrayList<>();
        orgs.caps().forEach(cap -> capIds.add(cap.capId()));
        capIds.addAll(orgs.removedCaps());
        addUpdate(rows -> "DELETE FROM " + sql.prefix + Tables.CAPS.table() + " WHERE cap_id IN (" + marks(rows)
                + ") AND account_id = ?", capIds, (id, params) -> params.add(id, Types.VARCHAR), id -> accountId,
                Check.NONE, null);
        addUpdate(rows -> "DELETE FROM " + sql.prefix + Tables.CAP_USAGE.table() + " WHERE cap_id IN ("
                + marks(rows) + ") AND account_id = ?", orgs.removedCaps(),
                (id, params) -> params.add(id, Types.VARCHAR), id -> accountId, Check.NONE, null);
        add(rows -> sql.insert(Tables.CAPS, rows), orgs.caps(), Tables.CAPS::bind, cap -> cap.accountId(), null);
        addUpdate(rows -> "DELETE FROM " + sql.prefix + Tables.CAP_USAGE.table() + " WHERE ("
                        + String.join(" OR ", Collections.nCopies(rows,
                        "(cap_id = ? AND cap_key = ? AND period_start_micros = ?)")) + ") AND account_id = ?",
                orgs.usage(), (usage, params) -> {
                    params.add(usage.capId(), Types.VARCHAR);
                    params.add(usage.key(), Types.VARCHAR);
                    params.add(Rows.micros(usage.periodStart()), Types.BIGINT);
                }, usage -> usage.accountId(), Check.NONE, null);
        add(rows -> sql.insert(Tables.CAP_USAGE, rows), orgs.usage(), Tables.CAP_USAGE::bind,
                usage -> usage.accountId(), null);
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private <R> void add(IntFunction<String> statement, List<R> rows, BiConsumer<R, RowDefinition.Params> bind,
                         java.util.function.Function<R, String> account, Object kind) {
        int at = position++;
        if (!rows.isEmpty()) {
            rows.forEach(row -> own(account.apply(row)));
            steps.add(new Step<>(statement, rows, bind, null, 0, Check.NONE, at, kind));
        }
    }

    private <R> void addUpdate(IntFunction<String> statement, List<R> rows, BiConsumer<R, RowDefinition.Params> bind,
                               java.util.function.Function<R, String> account, Check check, Object kind) {
        int at = position++;
        if (!rows.isEmpty()) {
            rows.forEach(row -> own(account.apply(row)));
            steps.add(new Step<>(statement, rows, bind, accountId, java.sql.Types.VARCHAR, check, at, kind));
        }
    }

    private void own(String rowAccount) {
        if (!accountId.equals(rowAccount)) {
            throw new IllegalArgumentException("row of account '" + rowAccount + "' written in a unit of work of account '"
                    + accountId + "'");
        }
    }

    /** @return the (first) idempotency record written, or null */
    IdempotencyRecord idempotency() {
        return idempotency;
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    // ---------------------------------------------------------------- JDBC batches

    /** Sends one JDBC batch of one-row statements per kind of row (one round trip each), checking the counts. */
    void batches(Connection connection) {
        for (Step<?> step : steps) {
            batch(connection, step);
        }
    }

    private <R> void batch(Connection connection, Step<R> step) {
        try (PreparedStatement statement = connection.prepareStatement(step.sql().apply(1))) {
            StatementParams params = new StatementParams(statement);
            for (R row : step.rows()) {
                params.reset();
                step.bind().accept(row, params);
                if (step.trailing() != null) {
                    params.add(step.trailing(), step.trailingType());
                }
                statement.addBatch();
            }
            int[] counts = statement.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != Statement.SUCCESS_NO_INFO) {
                    checkCount(step.check(), counts[i], 1, step.rows().get(i));
                }
            }
        } catch (SQLException e) {
            throw failure(step.check(), e);
        }
    }

    // ---------------------------------------------------------------- one pipeline

    /**
     * Adds every kind of row to {@code pipeline} as multi-row statements. Where {@code inDatabase} (PostgreSQL) the
     * checked statements return one row and fail in the database; otherwise {@link #checkPipelined} checks their
     * update counts once the pipeline ran.
     *
     * @return the client-side checks: {step index, expected count, check ordinal}
     */
    List<int[]> pipeline(Pipeline pipeline, boolean inDatabase) {
        List<int[]> expected = new ArrayList<>();
        for (Step<?> step : steps) {
            pipelined(pipeline, step, inDatabase, expected);
        }
        return expected;
    }

    /**
     * Adds the change sets of several accounts (or one) to {@code pipeline} kind by kind, for a dialect that checks in
     * the database (PostgreSQL): each kind with an {@linkplain SqlStatements#arrayForm array form} as one statement
     * for every account's rows, whatever their number (so the database prepares it once and the pipeline has few
     * shapes); any other kind as each change set's own multi-row statements.
     */
    static void pipelineAll(List<ChangeSetWriter> writers, Pipeline pipeline) {
        SqlStatements sql = writers.get(0).sql;
        java.util.TreeMap<Integer, List<Step<?>>> byPosition = new java.util.TreeMap<>();
        for (ChangeSetWriter writer : writers) {
            for (Step<?> step : writer.steps) {
                byPosition.computeIfAbsent(step.position(), p -> new ArrayList<>()).add(step);
            }
        }
        for (List<Step<?>> steps : byPosition.values()) {
            Step<?> first = steps.get(0);
            String form = first.kind() == null ? null : sql.arrayForm(first.kind());
            if (form == null) {
                for (Step<?> step : steps) {
                    pipelined(pipeline, step, true, new ArrayList<>());
                }
                continue;
            }
            ArrayColumns columns = new ArrayColumns();
            for (Step<?> step : steps) {
                columns.addRows(step);
            }
            if (first.check() == Check.NONE) {
                pipeline.update(form);
            } else {
                pipeline.query(form, CHECKED);
            }
            columns.bindTo(pipeline);
            if (first.check() != Check.NONE) {
                pipeline.bigint(columns.rows).bigint(columns.rows);
            }
        }
    }

    /** The rows of steps of one kind, column by column (each row's trailing value as one more column). */
    private static final class ArrayColumns implements RowDefinition.Params {
        private final List<List<Object>> values = new ArrayList<>();
        private final List<Integer> types = new ArrayList<>();
        private int column;
        int rows;

        <R> void addRows(Step<R> step) {
            for (R row : step.rows()) {
                column = 0;
                step.bind().accept(row, this);
                if (step.trailing() != null) {
                    add(step.trailing(), step.trailingType());
                }
                rows++;
            }
        }

        @Override
        public void add(Object value, int sqlType) {
            if (column == values.size()) {
                values.add(new ArrayList<>());
                types.add(sqlType);
            }
            values.get(column++).add(value);
        }

        void bindTo(Pipeline pipeline) {
            for (int i = 0; i < values.size(); i++) {
                pipeline.array(new Pipeline.ArrayValue(elementType(types.get(i)), values.get(i).toArray()));
            }
        }

        private static String elementType(int sqlType) {
            return switch (sqlType) {
                case Types.VARCHAR -> "varchar";
                case Types.BIGINT -> "int8";
                case Types.INTEGER -> "int4";
                case Types.BOOLEAN -> "bool";
                case Types.NUMERIC -> "numeric";
                default -> throw new IllegalArgumentException("no array element type for " + sqlType);
            };
        }
    }

    private static <R> void pipelined(Pipeline pipeline, Step<R> step, boolean inDatabase, List<int[]> expected) {
        List<R> rows = step.rows();
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            List<R> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
            String statement = step.sql().apply(chunk.size());
            if (step.check() == Check.NONE) {
                pipeline.update(statement);
            } else if (inDatabase) {
                pipeline.query(statement, CHECKED);
            } else {
                expected.add(new int[]{pipeline.update(statement), chunk.size(), step.check().ordinal()});
            }
            for (R row : chunk) {
                step.bind().accept(row, pipeline);
            }
            if (step.trailing() != null) {
                pipeline.add(step.trailing(), step.trailingType());
            }
        }
    }

    /** Checks the update counts of a pipeline that ran (dialects that do not check in the database). */
    void checkPipelined(List<Object> results, List<int[]> expected) {
        for (int[] check : expected) {
            checkCount(Check.values()[check[2]], (Integer) results.get(check[0]), check[1], check[1] + " rows");
        }
    }

    /** @return the failure of a pipeline that did not check in the database */
    RuntimeException pipelineFailure(SQLException e) {
        return failure(idempotency != null ? Check.IDEMPOTENCY : Check.NONE, e);
    }

    // ---------------------------------------------------------------- checks

    private void checkCount(Check check, int count, int expected, Object what) {
        switch (check) {
            case ACCOUNT -> {
                if (count != 1) {
                    throw accountChanged(null);
                }
            }
            case LOTS, HOLDS -> {
                if (count != expected) {
                    throw new IllegalStateException((check == Check.LOTS ? "lots" : "open holds") + " to update:"
                            + " expected " + expected + ", found " + count + ": " + what);
                }
            }
            default -> {
            }
        }
    }

    /**
     * The account row's conditional update changed nothing: its sequence moved although this unit of work held its
     * lock. That never happens with a database that honours the lock; if it does, the unit of work is rolled back and
     * run again rather than overwriting the other change.
     */
    RuntimeException accountChanged(Exception cause) {
        LOG.warn("credits store: account '{}' changed under its row lock (sequence {} is gone); retrying the unit of"
                + " work", accountId, locked.sequence());
        return new Failures.Transient(new IllegalStateException("account '" + accountId + "' changed under its row"
                + " lock: sequence " + locked.sequence() + " is gone", cause));
    }

    /** The only unique key a correct change set can hit is the idempotency key's (the SPI's write may say so). */
    private RuntimeException failure(Check check, SQLException e) {
        if (check == Check.IDEMPOTENCY && idempotency != null && SqlStatements.isConstraintViolation(e)) {
            return idempotencyConflict(e);
        }
        return new Failures.SqlFailure(e);
    }

    IdempotencyConflictException idempotencyConflict(Exception cause) {
        IdempotencyConflictException conflict =
                new IdempotencyConflictException(idempotency.accountId(), idempotency.idempotencyKey());
        conflict.initCause(cause);
        return conflict;
    }

    /** Binds positional parameters of a JDBC statement, typed (so that NULL is typed too). */
    static final class StatementParams implements RowDefinition.Params {
        private final PreparedStatement statement;
        private int index;

        StatementParams(PreparedStatement statement) {
            this.statement = statement;
        }

        void reset() {
            index = 0;
        }

        @Override
        public void add(Object value, int sqlType) {
            try {
                Pipeline.set(statement, ++index, value, sqlType);
            } catch (SQLException e) {
                throw new Failures.SqlFailure(e);
            }
        }
    }
}
