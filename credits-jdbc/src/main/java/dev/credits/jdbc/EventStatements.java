package dev.credits.jdbc;

import dev.credits.spi.AlertState;
import dev.credits.spi.ConsumerRecord;
import dev.credits.spi.EventChanges;
import dev.credits.spi.EventRecord;
import dev.credits.spi.ExpiryNotice;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The SQL of the events feature (outbox, sequencer, consumers, alert states, expiry notices), portable across the
 * dialects, with the table prefix applied; and the writing of a change set's {@link EventChanges}, as statements of
 * its pipeline or as batches. Immutable; thread-safe.
 */
final class EventStatements {

    static final String EVENT_COLUMNS = "event_position, event_id, account_id, account_sequence, event_index,"
            + " event_type, credit_type, payload, occurred_at_micros";
    private static final String CONSUMER_COLUMNS = "consumer_name, cursor_position, lease_owner, lease_until_micros,"
            + " created_at_micros";
    private static final String SEQUENCER = "'outbox'";

    static final RowMapper<EventRecord> EVENT = (rs, ctx) -> new EventRecord(rs.getLong("event_position"),
            rs.getString("event_id"), rs.getString("account_id"), rs.getLong("account_sequence"),
            rs.getInt("event_index"), rs.getString("event_type"), rs.getString("credit_type"), rs.getString("payload"),
            Rows.instant(rs.getLong("occurred_at_micros")));
    static final RowMapper<ConsumerRecord> CONSUMER = (rs, ctx) -> {
        long until = rs.getLong("lease_until_micros");
        boolean leased = !rs.wasNull();
        return new ConsumerRecord(rs.getString("consumer_name"), rs.getLong("cursor_position"),
                rs.getString("lease_owner"), leased ? Rows.instant(until) : null,
                Rows.instant(rs.getLong("created_at_micros")));
    };
    static final RowMapper<AlertState> ALERT_STATE = (rs, ctx) -> new AlertState(rs.getString("account_id"),
            rs.getString("credit_type"), rs.getBoolean("is_low"), Rows.instant(rs.getLong("changed_at_micros")));

    final String events;
    final String sequencer;
    final String consumers;
    final String alertStates;
    final String notices;
    final String lots;

    private final ByRows insertEvents;
    private final ByRows insertAlertStates;
    private final ByRows insertNotices;

    EventStatements(String prefix) {
        this.events = prefix + "events";
        this.sequencer = prefix + "event_sequencer";
        this.consumers = prefix + "event_consumers";
        this.alertStates = prefix + "alert_states";
        this.notices = prefix + "expiry_notices";
        this.lots = prefix + "lots";
        this.insertEvents = new ByRows(rows -> "INSERT INTO " + events + " (account_id, account_sequence,"
                + " event_index, event_id, event_type, credit_type, payload, occurred_at_micros) VALUES "
                + Pipeline.values("(?, ?, ?, ?, ?, ?, ?, ?)", rows));
        this.insertAlertStates = new ByRows(rows -> "INSERT INTO " + alertStates + " (account_id, credit_type, is_low,"
                + " changed_at_micros) VALUES " + Pipeline.values("(?, ?, ?, ?)", rows));
        this.insertNotices = new ByRows(rows -> "INSERT INTO " + notices + " (account_id, lot_id, noticed_at_micros)"
                + " VALUES " + Pipeline.values("(?, ?, ?)", rows));
    }

    // ---------------------------------------------------------------- written with a unit of work

    /** Adds the change set's event rows to its pipeline: plain inserts (and deletes of replaced alert states). */
    void addTo(Pipeline pipeline, EventChanges changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (!changes.events().isEmpty()) {
            pipeline.update(insertEvents.get(changes.events().size()));
            for (EventRecord event : changes.events()) {
                pipeline.string(event.accountId()).bigint(event.accountSequence()).integer(event.index())
                        .string(event.eventId()).string(event.type()).string(event.creditType())
                        .string(event.payload()).bigint(Rows.micros(event.occurredAt()));
            }
        }
        if (!changes.alertStates().isEmpty()) {
            for (AlertState state : changes.alertStates()) {
                pipeline.update(deleteAlertState());
                pipeline.string(state.accountId()).string(state.creditType());
            }
            pipeline.update(insertAlertStates.get(changes.alertStates().size()));
            for (AlertState state : changes.alertStates()) {
                pipeline.string(state.accountId()).string(state.creditType()).bool(state.low())
                        .bigint(Rows.micros(state.changedAt()));
            }
        }
        if (!changes.notices().isEmpty()) {
            pipeline.update(insertNotices.get(changes.notices().size()));
            for (ExpiryNotice notice : changes.notices()) {
                pipeline.string(notice.accountId()).string(notice.lotId()).bigint(Rows.micros(notice.noticedAt()));
            }
        }
    }

    /** Writes the change set's event rows with one batch per kind of row (dialects that do not pipeline). */
    void write(Handle handle, EventChanges changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (!changes.events().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(SqlStatements.positional(insertEvent()));
            for (EventRecord event : changes.events()) {
                batch.bind(0, event.accountId()).bind(1, event.accountSequence()).bind(2, event.index())
                        .bind(3, event.eventId()).bind(4, event.type()).bind(5, event.creditType())
                        .bind(6, event.payload()).bind(7, Rows.micros(event.occurredAt())).add();
            }
            batch.execute();
        }
        for (AlertState state : changes.alertStates()) {
            handle.createUpdate(SqlStatements.positional(deleteAlertState())).bind(0, state.accountId())
                    .bind(1, state.creditType()).execute();
            handle.createUpdate(insertAlertStates.get(1)).bind(0, state.accountId()).bind(1, state.creditType())
                    .bind(2, state.low()).bind(3, Rows.micros(state.changedAt())).execute();
        }
        if (!changes.notices().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(insertNotices.get(1));
            for (ExpiryNotice notice : changes.notices()) {
                batch.bind(0, notice.accountId()).bind(1, notice.lotId()).bind(2, Rows.micros(notice.noticedAt()))
                        .add();
            }
            batch.execute();
        }
    }

    private String insertEvent() {
        return insertEvents.get(1);
    }

    private String deleteAlertState() {
        return "DELETE FROM " + alertStates + " WHERE account_id = ? AND credit_type = ?";
    }

    // ---------------------------------------------------------------- read in a unit of work

    String selectAlertState() {
        return "SELECT account_id, credit_type, is_low, changed_at_micros FROM " + alertStates
                + " WHERE account_id = :accountId AND credit_type = :creditType";
    }

    /** Binds list {@code lotIds}. */
    String selectNotices() {
        return "SELECT lot_id FROM " + notices + " WHERE account_id = :accountId AND lot_id IN (<lotIds>)";
    }

    // ---------------------------------------------------------------- the outbox

    String anyUnnumbered() {
        return "SELECT account_id FROM " + events + " WHERE event_position IS NULL LIMIT 1";
    }

    String lockSequencer() {
        return "SELECT last_position FROM " + sequencer + " WHERE sequencer_name = " + SEQUENCER + " FOR UPDATE";
    }

    String selectLastPosition() {
        return "SELECT last_position FROM " + sequencer + " WHERE sequencer_name = " + SEQUENCER;
    }

    String selectUnnumbered() {
        return "SELECT account_id, account_sequence, event_index FROM " + events + " WHERE event_position IS NULL"
                + " ORDER BY account_id, account_sequence, event_index LIMIT :limit";
    }

    String numberEvent() {
        return "UPDATE " + events + " SET event_position = :position WHERE account_id = :accountId"
                + " AND account_sequence = :sequence AND event_index = :index AND event_position IS NULL";
    }

    String updateSequencer() {
        return "UPDATE " + sequencer + " SET last_position = :last WHERE sequencer_name = " + SEQUENCER;
    }

    String readAfter() {
        return "SELECT " + EVENT_COLUMNS + " FROM " + events + " WHERE event_position > :after"
                + " ORDER BY event_position LIMIT :limit";
    }

    String readAccount() {
        return "SELECT " + EVENT_COLUMNS + " FROM " + events + " WHERE account_id = :accountId"
                + " AND account_sequence > :after ORDER BY account_sequence, event_index LIMIT :limit";
    }

    String purge() {
        return "DELETE FROM " + events + " WHERE event_position <= :upTo AND occurred_at_micros < :before";
    }

    String accountsWithLotsToNotice() {
        return "SELECT DISTINCT l.account_id FROM " + lots + " l WHERE l.live = TRUE AND l.remaining > 0"
                + " AND l.expires_at_micros > :after AND l.expires_at_micros <= :until AND NOT EXISTS (SELECT 1 FROM "
                + notices + " n WHERE n.account_id = l.account_id AND n.lot_id = l.lot_id)"
                + " ORDER BY l.account_id LIMIT :limit";
    }

    // ---------------------------------------------------------------- consumers

    String insertConsumer() {
        return "INSERT INTO " + consumers + " (" + CONSUMER_COLUMNS + ") VALUES (:name, :cursor, NULL, NULL,"
                + " :createdAt)";
    }

    String selectConsumer() {
        return "SELECT " + CONSUMER_COLUMNS + " FROM " + consumers + " WHERE consumer_name = :name";
    }

    String listConsumers() {
        return "SELECT " + CONSUMER_COLUMNS + " FROM " + consumers + " ORDER BY consumer_name";
    }

    /** The lease: taken only when free, already ours, or lapsed; one conditional UPDATE, atomic in every database. */
    String lease() {
        return "UPDATE " + consumers + " SET lease_owner = :owner, lease_until_micros = :until WHERE consumer_name = :name"
                + " AND (lease_owner IS NULL OR lease_owner = :owner OR lease_until_micros <= :now)";
    }

    String releaseLease() {
        return "UPDATE " + consumers + " SET lease_owner = NULL, lease_until_micros = NULL WHERE consumer_name = :name"
                + " AND lease_owner = :owner";
    }

    /** Moves the cursor only forward, only for the unlapsed holder of the lease. */
    String acknowledge() {
        return "UPDATE " + consumers + " SET cursor_position = CASE WHEN cursor_position < :position THEN :position"
                + " ELSE cursor_position END WHERE consumer_name = :name AND lease_owner = :owner"
                + " AND lease_until_micros > :now";
    }

    String seek() {
        return "UPDATE " + consumers + " SET cursor_position = :position WHERE consumer_name = :name";
    }
}
