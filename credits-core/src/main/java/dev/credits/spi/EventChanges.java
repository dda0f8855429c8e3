package dev.credits.spi;

import java.util.List;

/**
 * What a unit of work writes for the events feature, part of its {@link ChangeSet}: in the same transaction as the
 * ledger change, so an event exists if and only if its change committed. Immutable.
 *
 * @param events      new outbox events, unpositioned, in the order the account's consumers must see them
 * @param alertStates alert states to insert or replace (by account and credit type)
 * @param notices     expiry notices to insert
 */
public record EventChanges(List<EventRecord> events, List<AlertState> alertStates, List<ExpiryNotice> notices) {

    /** Nothing. */
    public static final EventChanges NONE = new EventChanges(List.of(), List.of(), List.of());

    public EventChanges {
        events = List.copyOf(events);
        alertStates = List.copyOf(alertStates);
        notices = List.copyOf(notices);
    }

    /** @return true when there is nothing to write */
    public boolean isEmpty() {
        return events.isEmpty() && alertStates.isEmpty() && notices.isEmpty();
    }
}
