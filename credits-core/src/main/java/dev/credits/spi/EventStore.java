package dev.credits.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The events part of a store: the outbox that units of work append to (through {@link EventChanges} in their
 * {@link ChangeSet}), its store-wide order, and the named consumers with their cursors and leases. Every call is
 * atomic on its own. Implementations must be thread-safe, and correct when several ledgers (several JVMs) share one
 * database. Nothing here is called from a ledger call's unit of work: a consumer never makes a ledger call wait.
 */
public interface EventStore {

    /**
     * Gives positions to committed events that have none, in one serialized step (under a lock every caller takes):
     * each new position is above every position given before, and the events of one account are numbered in their
     * (accountSequence, index) order. So an event that commits late is numbered late, and a reader that read every
     * event up to position p never misses one numbered later.
     *
     * @param max at most this many events per call
     * @return how many events were numbered
     */
    int assignPositions(int max);

    /** @return the highest position given so far (0: none) */
    long lastPosition();

    /** @return positioned events with {@code position > after}, by position, at most {@code limit} */
    List<EventRecord> readAfter(long after, int limit);

    /**
     * Reads one account's events, positioned or not: each unit of work's events have sequence numbers above the
     * previous unit's, so a reader resuming after the last sequence it saw misses none.
     *
     * @return the account's events with {@code accountSequence > afterSequence}, by (accountSequence, index), at most
     *         {@code limit}
     */
    List<EventRecord> readAccount(String accountId, long afterSequence, int limit);

    /**
     * Inserts the consumer unless one with its name exists.
     *
     * @return false (nothing changed) if the name exists
     */
    boolean insertConsumer(ConsumerRecord consumer);

    /** @return the consumer, or empty */
    Optional<ConsumerRecord> findConsumer(String name);

    /** @return every consumer, by name */
    List<ConsumerRecord> listConsumers();

    /**
     * Takes or renews the consumer's lease for {@code owner} until {@code until}, atomically: only when nobody holds
     * it, {@code owner} holds it, or the holder's lease lapsed ({@code leaseUntil <= now}).
     *
     * @return true if {@code owner} holds the lease now
     */
    boolean lease(String name, String owner, Instant now, Instant until);

    /** Gives up the lease if {@code owner} holds it. @return true if it did */
    boolean releaseLease(String name, String owner);

    /**
     * Moves the cursor forward to {@code position} (never back) if {@code owner} holds an unlapsed lease.
     *
     * @return false if the lease is not {@code owner}'s (or lapsed); true otherwise, moved or not
     */
    boolean acknowledge(String name, String owner, Instant now, long position);

    /** Sets the cursor to {@code position}, forward or back. @return false if there is no such consumer */
    boolean seek(String name, long position);

    /**
     * Deletes positioned events with {@code position <= upTo} that occurred before {@code before}.
     *
     * @return how many it deleted
     */
    int purge(long upTo, Instant before);

    /**
     * Lists accounts with a live lot that has remaining credits, expires in ({@code after}, {@code until}] and has no
     * {@link ExpiryNotice}.
     *
     * @param limit at most this many
     */
    List<String> findAccountsWithLotsToNotice(Instant after, Instant until, int limit);
}
