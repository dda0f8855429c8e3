package dev.credits.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One event of the outbox as a store keeps it. A unit of work writes its events unpositioned (position 0) with its
 * {@link ChangeSet}; {@link EventStore#assignPositions} numbers them later, in commit order, so that a reader going
 * "after position p" can never skip one that commits late. The payload is encoded by the ledger and opaque to the
 * store. Unique per (accountId, accountSequence, index). Immutable.
 *
 * @param position        the store-wide position (1, 2, ...), or 0 while not yet positioned
 * @param eventId         unique id (a UUID), what a consumer deduplicates on
 * @param accountId       the account
 * @param accountSequence the account sequence number of the change that caused it
 * @param index           its place among the events of that unit of work (0, 1, ...), across sequence numbers
 * @param type            the event type's name ({@link dev.credits.EventType})
 * @param creditType      the credit type it concerns, or null
 * @param payload         the payload, encoded by the ledger
 * @param occurredAt      when the change happened (the ledger's clock)
 */
public record EventRecord(long position, String eventId, String accountId, long accountSequence, int index,
                          String type, String creditType, String payload, Instant occurredAt) {
    public EventRecord {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** @return this event at {@code newPosition} */
    public EventRecord withPosition(long newPosition) {
        return new EventRecord(newPosition, eventId, accountId, accountSequence, index, type, creditType, payload,
                occurredAt);
    }
}
