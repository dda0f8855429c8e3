package dev.credits.internal;

import dev.credits.CreditEvent;
import dev.credits.CreditsException;
import dev.credits.EventConsumer;
import dev.credits.InvalidArgumentException;
import dev.credits.LeaseLostException;
import dev.credits.StoreUnavailableException;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownConsumerException;
import dev.credits.spi.ConsumerRecord;
import dev.credits.spi.CreditStore;
import dev.credits.spi.EventRecord;
import dev.credits.spi.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The events feature's rules outside units of work: named consumers (cursor, lease, poll, acknowledge), the
 * pre-expiry notices and the retention purge of the sweep. The events themselves are written by
 * {@link AccountSession}. Thread-safe; one lease owner id per instance (per ledger).
 */
public final class EventRules {
    private static final Logger LOG = LoggerFactory.getLogger(EventRules.class);
    /** Most events numbered per serialized step; a poll runs a few steps so that a backlog is numbered quickly. */
    private static final int POSITION_BATCH = 1000;
    private static final int POSITION_STEPS = 20;
    private static final int NOTICE_BATCH = 100;
    /** The largest batch a poll may ask for. */
    public static final int MAX_BATCH = 10_000;

    private final UnitOfWork uow;
    private final CreditStore store;
    private final String owner = UUID.randomUUID().toString();

    public EventRules(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    private EventStore events() {
        return store.events();
    }

    /** @return the id this ledger holds leases under */
    public String owner() {
        return owner;
    }

    public EventConsumer createConsumer(String name, boolean fromStart) {
        Checks.id("consumer", name);
        Optional<ConsumerRecord> existing = events().findConsumer(name);
        if (existing.isPresent()) {
            return view(existing.get());
        }
        long cursor = 0;
        if (!fromStart) {
            numberAll();
            cursor = events().lastPosition();
        }
        events().insertConsumer(new ConsumerRecord(name, cursor, null, null, uow.now()));
        return consumer(name).orElseThrow(() -> new UnknownConsumerException(name));
    }

    public Optional<EventConsumer> consumer(String name) {
        Checks.id("consumer", name);
        return events().findConsumer(name).map(EventRules::view);
    }

    public List<EventConsumer> consumers() {
        return events().listConsumers().stream().map(EventRules::view).toList();
    }

    public List<CreditEvent> poll(String name, int maxEvents) {
        checkBatch(maxEvents);
        ConsumerRecord consumer = require(name);
        Instant now = uow.now();
        if (!events().lease(name, owner, now, Checks.plus("lease", now, uow.events().leaseDuration()))) {
            return List.of();
        }
        numberAll();
        // Read the cursor again under the lease: another node may have moved it before the lease changed hands.
        long cursor = events().findConsumer(name).map(ConsumerRecord::cursor).orElse(consumer.cursor());
        return events().readAfter(cursor, maxEvents).stream().map(EventCodec::decode).toList();
    }

    public void acknowledge(String name, long position) {
        require(name);
        checkPosition(position);
        if (!events().acknowledge(name, owner, uow.now(), position)) {
            throw new LeaseLostException(name);
        }
    }

    public void seek(String name, long position) {
        require(name);
        checkPosition(position);
        if (!events().seek(name, position)) {
            throw new UnknownConsumerException(name);
        }
    }

    public void release(String name) {
        require(name);
        events().releaseLease(name, owner);
    }

    public List<CreditEvent> read(long after, int maxEvents) {
        checkBatch(maxEvents);
        checkPosition(after);
        numberAll();
        return events().readAfter(after, maxEvents).stream().map(EventCodec::decode).toList();
    }

    public List<CreditEvent> readAccount(String accountId, long afterSequence, int maxEvents) {
        Checks.id("accountId", accountId);
        checkBatch(maxEvents);
        if (afterSequence < 0) {
            throw new InvalidArgumentException("afterSequence", "must not be negative: " + afterSequence);
        }
        List<EventRecord> page = events().readAccount(accountId, afterSequence, maxEvents);
        if (page.size() == maxEvents) {
            // Whole changes only: a reader resuming after the last sequence number must not skip the rest of it.
            long last = page.get(page.size() - 1).accountSequence();
            List<EventRecord> whole = page.stream().filter(event -> event.accountSequence() != last).toList();
            page = !whole.isEmpty() ? whole : events().readAccount(accountId, last - 1, MAX_BATCH).stream()
                    .filter(event -> event.accountSequence() == last).toList();
        }
        return page.stream().map(EventCodec::decode).toList();
    }

    public long latestPosition() {
        numberAll();
        return events().lastPosition();
    }

    /**
     * Announces lots expiring within the notice period, once per lot, account by account.
     *
     * @return how many lots it announced
     */
    public int noticeExpiringCredits() {
        int announced = 0;
        Set<String> done = new HashSet<>();
        while (true) {
            Instant now = uow.now();
            Instant until = Checks.plus("expiryNotice", now, uow.events().expiryNotice());
            List<String> due = events().findAccountsWithLotsToNotice(now, until, NOTICE_BATCH);
            boolean progress = false;
            for (String accountId : due) {
                if (!done.add(accountId)) {
                    continue;
                }
                progress = true;
                try {
                    announced += uow.mutate(accountId, session -> {
                        session.settle();
                        int count = session.noticeExpiringLots(until);
                        session.write();
                        return count;
                    });
                } catch (UnknownAccountException gone) {
                    // nothing to announce
                } catch (StoreUnavailableException down) {
                    throw down;
                } catch (CreditsException failure) {
                    LOG.warn("expiry notices of account {} failed", accountId, failure);
                }
            }
            if (!progress || due.size() < NOTICE_BATCH) {
                return announced;
            }
        }
    }

    /**
     * The sweep's part, run before the expiries: the purge (which changes no account), then the expiry notices (one
     * unit of work per account, each atomic). Run first so that a failure here fails the sweep before it expired
     * anything, never after.
     */
    public void sweep() {
        purge();
        noticeExpiringCredits();
    }

    /**
     * Deletes events every consumer acknowledged (all events, when there is no consumer) that are older than the
     * retention.
     *
     * @return how many it deleted
     */
    public int purge() {
        numberAll();
        long upTo = events().lastPosition();
        for (ConsumerRecord consumer : events().listConsumers()) {
            upTo = Math.min(upTo, consumer.cursor());
        }
        Instant before = uow.now().minus(uow.events().retention());
        return upTo <= 0 ? 0 : events().purge(upTo, before);
    }

    /** Numbers the committed events that have no position yet (a bounded number of steps). */
    private void numberAll() {
        for (int step = 0; step < POSITION_STEPS; step++) {
            if (events().assignPositions(POSITION_BATCH) < POSITION_BATCH) {
                return;
            }
        }
    }

    private ConsumerRecord require(String name) {
        Checks.id("consumer", name);
        return events().findConsumer(name).orElseThrow(() -> new UnknownConsumerException(name));
    }

    private static void checkBatch(int maxEvents) {
        if (maxEvents <= 0 || maxEvents > MAX_BATCH) {
            throw new InvalidArgumentException("maxEvents", "must be in [1, " + MAX_BATCH + "]: " + maxEvents);
        }
    }

    /**
     * A position at or below the latest one given (only numbered events have positions); a cursor from the future
     * would skip events not yet written.
     */
    private void checkPosition(long position) {
        if (position < 0) {
            throw new InvalidArgumentException("position", "must not be negative: " + position);
        }
        if (position > events().lastPosition()) {
            throw new InvalidArgumentException("position", position + " is after the latest event ("
                    + events().lastPosition() + "): a cursor from the future would skip events; nothing was changed");
        }
    }

    private static EventConsumer view(ConsumerRecord record) {
        return new EventConsumer(record.name(), record.cursor(), record.leaseOwner(), record.leaseUntil());
    }
}
