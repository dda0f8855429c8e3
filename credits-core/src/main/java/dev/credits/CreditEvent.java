package dev.credits;

import java.time.Instant;

/**
 * One event of the outbox, as a consumer reads it. Written in the same transaction as the change it announces, so it
 * exists if and only if that change committed. Delivery is at least once: deduplicate on {@link #eventId()}.
 * Immutable.
 *
 * @param position        its store-wide position: consumers resume after the last one they acknowledged
 * @param eventId         unique id (the key of an idempotent handler)
 * @param accountId       the account
 * @param accountSequence the account sequence number of the change (events of one account come in this order)
 * @param creditType      the credit type it concerns, or null
 * @param occurredAt      when the change happened (the ledger's clock)
 * @param payload         what it says
 */
public record CreditEvent(long position, String eventId, String accountId, long accountSequence, String creditType,
                          Instant occurredAt, EventPayload payload) {

    /** @return the payload's type */
    public EventType type() {
        return payload.type();
    }
}
