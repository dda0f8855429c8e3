package dev.credits.jdbc;

import dev.credits.spi.ConsumerRecord;
import dev.credits.spi.EventRecord;
import dev.credits.spi.EventStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The events part of {@link JdbiCreditStore}: the outbox's numbering step, reads, and the consumers' cursors and
 * leases, each call its own statement or transaction. Units of work write the events themselves (see
 * {@link EventStatements#addTo}). Thread-safe.
 *
 * <p>Numbering: a unit of work inserts its events with no position. {@link #assignPositions} locks the sequencer row
 * ({@code SELECT ... FOR UPDATE}), reads committed unnumbered events in (account, sequence, index) order and numbers
 * them after the last position, all in one READ COMMITTED transaction. One step at a time holds the lock, so every
 * position given is above every earlier one, and an event committed after a step read is numbered by a later step,
 * above everything a consumer may already have read: "after my cursor" never skips it.
 */
final class JdbcEventStore implements EventStore {

    /** How the store runs statements: in a transaction (retried, durable) or in auto-commit mode. */
    interface Runner {
        <T> T transaction(String operation, Function<Handle, T> body);

        <T> T autocommit(String operation, Function<Handle, T> body);

        EventStatements statements();
    }

    private record Key(String accountId, long sequence, int index) {
    }

    private final Runner runner;

    JdbcEventStore(Runner runner) {
        this.runner = runner;
    }

    private EventStatements sql() {
        return runner.statements();
    }

    @Override
    public int assignPositions(int max) {
        EventStatements sql = sql();
        boolean any = runner.autocommit("assignPositions", handle -> handle.createQuery(sql.anyUnnumbered())
                .mapTo(String.class).findFirst().isPresent());
        if (!any) {
            return 0; // nothing to number: no lock taken
        }
        return runner.transaction("assignPositions", handle -> {
            long last = handle.createQuery(sql.lockSequencer()).mapTo(Long.class).one();
            List<Key> unnumbered = handle.createQuery(sql.selectUnnumbered())
                    .bind("limit", max)
                    .map((rs, ctx) -> new Key(rs.getString(1), rs.getLong(2), rs.getInt(3)))
                    .list();
            if (unnumbered.isEmpty()) {
                return 0;
            }
            PreparedBatch batch = handle.prepareBatch(sql.numberEvent());
            for (Key key : unnumbered) {
                batch.bind("position", ++last).bind("accountId", key.accountId()).bind("sequence", key.sequence())
                        .bind("index", key.index()).add();
            }
            batch.execute();
            handle.createUpdate(sql.updateSequencer()).bind("last", last).execute();
            return unnumbered.size();
        });
    }

    @Override
    public long lastPosition() {
        EventStatements sql = sql();
        return runner.autocommit("lastPosition", handle -> handle.createQuery(sql.selectLastPosition())
                .mapTo(Long.class).one());
    }

    @Override
    public List<EventRecord> readAfter(long after, int limit) {
        EventStatements sql = sql();
        return runner.autocommit("readEvents", handle -> handle.createQuery(sql.readAfter())
                .bind("after", after).bind("limit", limit).map(Tables.EVENTS.mapper()).list());
    }

    @Override
    public List<EventRecord> readAccount(String accountId, long afterSequence, int limit) {
        Objects.requireNonNull(accountId, "accountId");
        EventStatements sql = sql();
        return runner.autocommit("readAccountEvents", handle -> handle.createQuery(sql.readAccount())
                .bind("accountId", accountId).bind("after", afterSequence).bind("limit", limit)
                .map(Tables.EVENTS.mapper()).list());
    }

    /** {@inheritDoc} A concurrent insert of the same name trips the primary key: reported as "exists". */
    @Override
    public boolean insertConsumer(ConsumerRecord consumer) {
        EventStatements sql = sql();
        if (findConsumer(consumer.name()).isPresent()) {
            return false;
        }
        try {
            return runner.autocommit("insertConsumer", handle -> handle.createUpdate(sql.insertConsumer())
                    .bind("name", consumer.name()).bind("cursor", consumer.cursor())
                    .bind("createdAt", Rows.micros(consumer.createdAt())).execute()) == 1;
        } catch (RuntimeException e) {
            if (findConsumer(consumer.name()).isPresent()) {
                return false; // another node created it first
            }
            throw e;
        }
    }

    @Override
    public Optional<ConsumerRecord> findConsumer(String name) {
        EventStatements sql = sql();
        return runner.autocommit("findConsumer", handle -> handle.createQuery(sql.selectConsumer())
                .bind("name", name).map(Tables.EVENT_CONSUMERS.mapper()).findOne());
    }

    @Override
    public List<ConsumerRecord> listConsumers() {
        EventStatements sql = sql();
        return runner.autocommit("listConsumers", handle -> handle.createQuery(sql.listConsumers())
                .map(Tables.EVENT_CONSUMERS.mapper()).list());
    }

    @Override
    public boolean lease(String name, String owner, Instant now, Instant until) {
        EventStatements sql = sql();
        return runner.autocommit("leaseConsumer", handle -> handle.createUpdate(sql.lease())
                .bind("name", name).bind("owner", owner).bind("now", Rows.micros(now))
                .bind("until", Rows.micros(until)).execute()) == 1;
    }

    @Override
    public boolean releaseLease(String name, String owner) {
        EventStatements sql = sql();
        return runner.autocommit("releaseConsumer", handle -> handle.createUpdate(sql.releaseLease())
                .bind("name", name).bind("owner", owner).execute()) == 1;
    }

    @Override
    public boolean acknowledge(String name, String owner, Instant now, long position) {
        EventStatements sql = sql();
        return runner.autocommit("acknowledge", handle -> handle.createUpdate(sql.acknowledge())
                .bind("name", name).bind("owner", owner).bind("now", Rows.micros(now))
                .bind("position", position).execute()) == 1;
    }

    @Override
    public boolean seek(String name, long position) {
        EventStatements sql = sql();
        return runner.autocommit("seekConsumer", handle -> handle.createUpdate(sql.seek())
                .bind("name", name).bind("position", position).execute()) == 1;
    }

    @Override
    public int purge(long upTo, Instant before) {
        EventStatements sql = sql();
        return runner.transaction("purgeEvents", handle -> handle.createUpdate(sql.purge())
                .bind("upTo", upTo).bind("before", Rows.micros(before)).execute());
    }

    @Override
    public List<String> findAccountsWithLotsToNotice(Instant after, Instant until, int limit) {
        EventStatements sql = sql();
        return runner.autocommit("findAccountsWithLotsToNotice", handle -> handle.createQuery(
                        sql.accountsWithLotsToNotice())
                .bind("after", Rows.micros(after)).bind("until", Rows.micros(until)).bind("limit", limit)
                .mapTo(String.class).list());
    }
}
