package dev.credits.jdbc;

/**
 * The SQL of the events feature (outbox, sequencer, consumers, alert states, expiry notices) beyond a unit of work's
 * writes (which {@link ChangeSetWriter} makes from the rows' {@link Tables} definitions): the reads, the numbering
 * step and the consumers' statements, portable across the dialects, with the table prefix applied. Immutable;
 * thread-safe.
 */
final class EventStatements {

    private static final String EVENT_COLUMNS = Tables.EVENTS.columnList();
    private static final String CONSUMER_COLUMNS = Tables.EVENT_CONSUMERS.columnList();
    private static final String SEQUENCER = "'outbox'";

    final String events;
    final String sequencer;
    final String consumers;
    final String alertStates;
    final String notices;
    final String lots;

    EventStatements(String prefix) {
        this.events = prefix + "events";
        this.sequencer = prefix + "event_sequencer";
        this.consumers = prefix + "event_consumers";
        this.alertStates = prefix + "alert_states";
        this.notices = prefix + "expiry_notices";
        this.lots = prefix + "lots";
    }

    // ---------------------------------------------------------------- read in a unit of work

    String selectAlertState() {
        return "SELECT " + Tables.ALERT_STATES.columnList() + " FROM " + alertStates
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
