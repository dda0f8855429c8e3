package dev.credits.internal;

import dev.credits.Account;
import dev.credits.BurnDownOrder;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.Purchase;
import dev.credits.UnknownPurchaseException;
import dev.credits.spi.CreditStore;
import dev.credits.spi.IdempotencyRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How a rule runs against one account: a mutating unit of work or a read on a fresh {@link AccountSession}, the
 * ledger's "now", and idempotent replay. Every rule class goes through it; it calls no rule (calls go one way:
 * API -> rule -> unit of work -> store). Stateless apart from its configuration; thread-safe.
 */
public final class UnitOfWork {
    private final CreditStore store;
    private final Clock clock;
    private final BurnDownOrder order;
    private final EventSettings events;
    /** Combines concurrent calls on one account into one unit of work; null when switched off. */
    private final Combiner combiner;

    /**
     * @param maxCombinedCalls the most calls on one account run in one unit of work (1: no combining)
     */
    public UnitOfWork(CreditStore store, Clock clock, BurnDownOrder order, EventSettings events,
                      int maxCombinedCalls) {
        this.store = store;
        this.clock = clock;
        this.order = order;
        this.events = events;
        this.combiner = maxCombinedCalls > 1 ? new Combiner(store, this::now, maxCombinedCalls) : null;
    }

    EventSettings events() {
        return events;
    }

    public Clock clock() {
        return clock;
    }

    BurnDownOrder order() {
        return order;
    }

    /**
     * Now, to the millisecond: every store keeps instants exactly at that precision, so what a result shows
     * and what a later read returns are equal.
     *
     * @throws InvalidArgumentException if the clock reads outside the storable range
     */
    Instant now() {
        return Checks.instant("clock", clock.instant());
    }

    /** Runs a mutating unit of work on a fresh session; the store may run it more than once. */
    <T> T mutate(String accountId, Function<AccountSession, T> work) {
        return mutate(accountId, null, null, work);
    }

    /** As {@link #mutate(String, Function)}, reading the feature and the key's record with the snapshot. */
    <T> T mutate(String accountId, String featureKey, String idempotencyKey, Function<AccountSession, T> work) {
        if (combiner == null) {
            return store.inAccount(accountId,
                    tx -> work.apply(new AccountSession(tx, now(), order, featureKey, idempotencyKey, events)));
        }
        return combiner.run(accountId, idempotencyKey,
                (tx, now) -> work.apply(new AccountSession(tx, now, order, featureKey, idempotencyKey, events)));
    }

    /**
     * Runs a mutating unit of work on the account that owns the purchase, with the purchase as stored under the
     * account's lock.
     *
     * @throws UnknownPurchaseException if there is no such purchase
     */
    <T> T mutatePurchase(String purchaseId, BiFunction<AccountSession, Purchase, T> work) {
        String accountId = store.findAccountOfPurchase(purchaseId)
                .orElseThrow(() -> new UnknownPurchaseException(purchaseId));
        return mutate(accountId, session -> work.apply(session, session.tx().findPurchase(purchaseId)
                .orElseThrow(() -> new UnknownPurchaseException(purchaseId))));
    }

    /**
     * Runs a read: settles time in memory (expired lots and timed-out holds count as gone) but writes nothing,
     * so reads never change the ledger. Their sequence is the account's last written one.
     */
    <T> T read(String accountId, String featureKey, Function<AccountSession, T> work) {
        return store.readAccount(accountId, tx -> {
            AccountSession session = new AccountSession(tx, now(), order, featureKey, null, events);
            session.settle();
            return work.apply(session);
        });
    }

    /**
     * @return the stored result when this key was used before with the same request
     * @throws IdempotencyConflictException when it was used with a different one
     */
    static <T> Optional<T> replay(AccountSession session, String key, Map<String, String> fingerprint,
                                  Function<Map<String, String>, T> decoder) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<IdempotencyRecord> stored = session.storedIdempotency();
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (!stored.get().fingerprint().equals(Codec.encode(fingerprint))) {
            throw new IdempotencyConflictException(session.accountId(), key);
        }
        return Optional.of(decoder.apply(Codec.decode(stored.get().result())));
    }

    /** Records a changed account row and writes the session: @return the account as written */
    static Account changeAccount(AccountSession session, Account changed) {
        session.changeAccount(changed);
        return changed.withSequence(session.write());
    }
}
