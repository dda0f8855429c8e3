package dev.credits;

import dev.credits.internal.EventRules;
import dev.credits.internal.Observation;

import java.util.List;
import java.util.Optional;

/**
 * The outbox, reached with {@link CreditLedger#events()}. Every ledger change writes its events in its own
 * transaction (an event exists if and only if its change committed); named consumers read them after a durable
 * cursor, at least once, in order per account. A consumer's lease keeps two nodes from processing it at once;
 * nothing in a ledger call waits for a consumer. Run a consumer with {@link #dispatcher}, or with {@link #poll} and
 * {@link #acknowledge} from your own scheduler. Thread-safe like the ledger.
 *
 * <pre>{@code
 * ledger.events().createConsumer("emails");
 * try (EventDispatcher emails = ledger.events().dispatcher("emails", event -> {
 *     if (event.payload() instanceof EventPayload.BalanceLow low) {
 *         mailer.sendLowBalance(event.accountId(), low.available(), event.eventId()); // idempotent by event id
 *     }
 * }).start()) {
 *     ...
 * }
 * }</pre>
 */
public final class Events {
    private final Observation observation;
    private final EventRules rules;

    Events(Observation observation, EventRules rules) {
        this.observation = observation;
        this.rules = rules;
    }

    /**
     * Creates a consumer that starts with the oldest event kept; does nothing if it exists.
     *
     * @return the consumer as stored
     * @throws InvalidArgumentException if the name is blank or too long
     */
    public EventConsumer createConsumer(String name) {
        return observation.call("events.createConsumer", null, () -> rules.createConsumer(name, true));
    }

    /**
     * Creates a consumer that starts after the latest event (it sees only what happens from now on); does nothing if
     * it exists.
     *
     * @return the consumer as stored
     */
    public EventConsumer createConsumerAtEnd(String name) {
        return observation.call("events.createConsumerAtEnd", null, () -> rules.createConsumer(name, false));
    }

    /** @return the consumer, or empty */
    public Optional<EventConsumer> consumer(String name) {
        return observation.call("events.consumer", null, () -> rules.consumer(name));
    }

    /** @return every consumer, by name */
    public List<EventConsumer> consumers() {
        return observation.call("events.consumers", null, () -> rules.consumers());
    }

    /**
     * Takes (or renews) the consumer's lease for this ledger and returns the events after its cursor, by position.
     * While another ledger (node) holds an unlapsed lease the result is empty. The same events come again until they
     * are {@linkplain #acknowledge acknowledged}.
     *
     * @param maxEvents at most this many (1 to 10000)
     * @throws UnknownConsumerException if there is no such consumer
     * @throws InvalidArgumentException if {@code maxEvents} is out of range
     */
    public List<CreditEvent> poll(String consumer, int maxEvents) {
        return observation.call("events.poll", null, () -> rules.poll(consumer, maxEvents));
    }

    /**
     * Moves the consumer's cursor to {@code position} (the position of the last event handled); never moves it back.
     *
     * @throws UnknownConsumerException if there is no such consumer
     * @throws InvalidArgumentException if the position is negative or after the latest event
     * @throws LeaseLostException       if this ledger does not hold the consumer's lease (it lapsed)
     */
    public void acknowledge(String consumer, long position) {
        observation.call("events.acknowledge", null, () -> {
            rules.acknowledge(consumer, position);
            return null;
        });
    }

    /**
     * Sets the consumer's cursor, back (to replay) or forward (to skip).
     *
     * @throws UnknownConsumerException if there is no such consumer
     * @throws InvalidArgumentException if the position is negative or after the latest event
     */
    public void seek(String consumer, long position) {
        observation.call("events.seek", null, () -> {
            rules.seek(consumer, position);
            return null;
        });
    }

    /** Gives up this ledger's lease on the consumer, so another node takes over at once. */
    public void release(String consumer) {
        observation.call("events.release", null, () -> {
            rules.release(consumer);
            return null;
        });
    }

    /**
     * Reads events after {@code position} without a consumer (no cursor, no lease), e.g. for a live view.
     *
     * @param maxEvents at most this many (1 to 10000)
     */
    public List<CreditEvent> read(long position, int maxEvents) {
        return observation.call("events.read", null, () -> rules.read(position, maxEvents));
    }

    /**
     * Reads one account's events after an account sequence number, in the account's order, without a consumer: a
     * client showing a live balance resumes after the last {@link CreditEvent#accountSequence()} it saw (every
     * result of a ledger call says its sequence number too). A page holds whole changes (a change's events are never
     * split across pages), so it may hold fewer than {@code maxEvents}. Events of changes not yet numbered come with
     * position 0. Events the sweep purged are gone.
     *
     * @param maxEvents at most this many (1 to 10000)
     */
    public List<CreditEvent> readAccount(String accountId, long afterSequence, int maxEvents) {
        return observation.call("events.readAccount", accountId,
                () -> rules.readAccount(accountId, afterSequence, maxEvents));
    }

    /** @return the position of the latest event (0: none) */
    public long latestPosition() {
        return observation.call("events.latestPosition", null, () -> rules.latestPosition());
    }

    /**
     * Announces lots whose credits expire within the notice period (once per lot); {@link CreditLedger#expireDue()}
     * calls it, so a host running that sweep needs nothing else.
     *
     * @return how many lots it announced
     */
    public int noticeExpiringCredits() {
        return observation.call("events.noticeExpiringCredits", null, () -> rules.noticeExpiringCredits());
    }

    /**
     * Deletes events that every consumer acknowledged and that are older than the retention;
     * {@link CreditLedger#expireDue()} calls it.
     *
     * @return how many it deleted
     */
    public int purgeAcknowledged() {
        return observation.call("events.purgeAcknowledged", null, () -> rules.purge());
    }

    /** The sweep's part ({@link CreditLedger#expireDue()}): the purge and the expiry notices. */
    void sweep() {
        rules.sweep();
    }

    /** @return a builder of a dispatcher that runs the consumer with {@code listener} */
    public EventDispatcher.Builder dispatcher(String consumer, EventListener listener) {
        rules.consumer(consumer).orElseThrow(() -> new UnknownConsumerException(consumer));
        return new EventDispatcher.Builder(this, consumer, listener);
    }
}
