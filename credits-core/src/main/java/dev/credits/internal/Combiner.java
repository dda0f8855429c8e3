package dev.credits.internal;

import dev.credits.CreditsException;
import dev.credits.LockTimeoutException;
import dev.credits.SchemaMissingException;
import dev.credits.StoreConfigurationException;
import dev.credits.StoreUnavailableException;
import dev.credits.TransactionConflictException;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.CreditStore;
import dev.credits.spi.SnapshotRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Write-combining: concurrent calls run together in one transaction. Calls go to a lane by the root of their
 * organization (an account in no pool is its own root), so a pool and its members always share one. While a unit of
 * work of a lane is in flight in this JVM, further calls of the lane queue; the next unit of work runs the queued
 * calls (up to a bound), whatever their accounts, in one {@link CreditStore#inAccounts} transaction: every account
 * they touch locked in one canonical order (by depth below its root, then by id: root first, so units never wait for
 * each other in a cycle), their snapshots read at once ({@link CreditStore#snapshots}), each call evaluated in arrival
 * order on the state the previous ones left ({@link CombinedTransaction}, one per account), one change set per
 * account, one commit. No timer: a lone call runs at once (the first caller runs; the calls arriving meanwhile form
 * the next batch, run by the first of them once the running one is done). Several lanes (one per processor, at least
 * two) let unrelated accounts' batches run side by side.
 *
 * <p>A call that returns a value (a rejection too) or throws one of the ledger's verdicts (a {@link CreditsException}
 * about its input: it changed nothing) is answered as alone; a call whose account turned out to be in other pools
 * ({@link ChainChanged}) leaves the batch, unanswered by it; anything else aborts the combined transaction, and so
 * does a failed write (a unique index tripped, a promotion exhausted): then each call runs again alone, so no caller
 * gets another's failure. A lost store (its outcome unknown) or, on one account, a lock timeout is every caller's:
 * each alone would have met it too. Every caller is answered after the store returned. Thread-safe.
 */
final class Combiner {
    private static final Logger LOG = LoggerFactory.getLogger(Combiner.class);

    /** One call: how it runs on the transactions of its accounts (by account id), one unit of work at a time. */
    interface Work<T> {
        T run(Map<String, AccountTransaction> transactions, Instant now);
    }

    private final CreditStore store;
    private final Supplier<Instant> clock;
    private final int maxBatch;
    private final Lane[] lanes;

    /**
     * @param maxBatch the most calls run in one unit of work
     * @param lanes    how many batches may be in flight at once (each on other roots)
     */
    Combiner(CreditStore store, Supplier<Instant> clock, int maxBatch, int lanes) {
        this.store = store;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Lane();
        }
    }

    /** A lane: whether a batch is in flight, and the calls waiting for the next one. Guarded by itself. */
    private static final class Lane {
        boolean busy;
        final ArrayDeque<Call<?>> waiting = new ArrayDeque<>();
    }

    /**
     * Runs a call, combined with whatever else its lane has queued.
     *
     * @param accounts       the call's accounts in lock order: its pools root first, then the account itself (last)
     * @param featureKey     the feature to read with the account's snapshot, or null
     * @param idempotencyKey the key whose record to read with it, or null
     */
    <T> T run(List<String> accounts, String featureKey, String idempotencyKey, Work<T> work) {
        Call<T> call = new Call<>(accounts, featureKey, idempotencyKey, work);
        Lane lane = lanes[Math.floorMod(accounts.get(0).hashCode(), lanes.length)];
        boolean leads;
        synchronized (lane) {
            leads = !lane.busy;
            if (leads) {
                lane.busy = true;
            } else {
                lane.waiting.add(call);
            }
        }
        if (!leads && !call.awaitTurn()) {
            return call.answer();
        }
        List<Call<?>> batch = new ArrayList<>();
        batch.add(call);
        synchronized (lane) {
            while (batch.size() < maxBatch && !lane.waiting.isEmpty()) {
                batch.add(lane.waiting.poll());
            }
        }
        try {
            execute(batch);
        } finally {
            // The next leader first: it starts the next unit of work while the answered callers get going again.
            handOver(lane);
            for (int i = 1; i < batch.size(); i++) {
                batch.get(i).wake();
            }
        }
        return call.answer();
    }

    /** The lane's next waiting call runs the next batch; without one the lane has nothing in flight. */
    private static void handOver(Lane lane) {
        Call<?> next;
        synchronized (lane) {
            next = lane.waiting.poll();
            if (next == null) {
                lane.busy = false;
            }
        }
        if (next != null) {
            next.lead();
        }
    }

    private void execute(List<Call<?>> batch) {
        if (batch.size() == 1) {
            batch.get(0).runAlone(store, clock);
            return;
        }
        // Every account of the batch, in the canonical lock order, and what its snapshot reads.
        Map<String, Integer> depths = new HashMap<>();
        Map<String, Call<?>> firstCallOn = new HashMap<>();
        Map<String, Set<String>> keys = new HashMap<>();
        for (Call<?> call : batch) {
            for (int i = 0; i < call.accounts.size(); i++) {
                depths.merge(call.accounts.get(i), i, Math::min);
            }
            firstCallOn.putIfAbsent(call.account(), call);
            if (call.idempotencyKey != null) {
                keys.computeIfAbsent(call.account(), id -> new LinkedHashSet<>()).add(call.idempotencyKey);
            }
        }
        List<String> order = new ArrayList<>(depths.keySet());
        order.sort(Comparator.<String>comparingInt(depths::get).thenComparing(Comparator.naturalOrder()));
        boolean[] workReturned = {false};
        try {
            store.inAccounts(order, txs -> {
                workReturned[0] = false;
                Instant now = clock.get();
                List<SnapshotRequest> requests = new ArrayList<>(order.size());
                for (int i = 0; i < order.size(); i++) {
                    Call<?> first = firstCallOn.get(order.get(i));
                    requests.add(first == null ? new SnapshotRequest(txs.get(i), null, null)
                            : new SnapshotRequest(txs.get(i), first.featureKey, first.idempotencyKey));
                }
                List<AccountSnapshot> snapshots = store.snapshots(requests, now);
                Map<String, CombinedTransaction> combined = new LinkedHashMap<>();
                for (int i = 0; i < order.size(); i++) {
                    SnapshotRequest request = requests.get(i);
                    combined.put(order.get(i), new CombinedTransaction(txs.get(i),
                            keys.getOrDefault(order.get(i), Set.of()), snapshots.get(i), request.featureKey(),
                            request.idempotencyKey()));
                }
                for (Call<?> call : batch) {
                    call.runCombined(combined, now);
                }
                combined.values().forEach(CombinedTransaction::flush);
                workReturned[0] = true;
                return null;
            });
        } catch (RuntimeException | Error e) {
            if (e instanceof Error || (workReturned[0] && e instanceof StoreUnavailableException)
                    || (order.size() == 1 && e instanceof LockTimeoutException)) {
                // The commit's outcome is unknown, or the one account's lock could not be had in time: the batch's
                // common fate, as it would have been each call's alone (and rerunning each would wait once more).
                for (Call<?> call : batch) {
                    call.fail(e);
                }
                return;
            }
            LOG.debug("credits: a combined unit of work of {} calls on accounts {} failed; running them one by one",
                    batch.size(), order, e);
            for (Call<?> call : batch) {
                call.runAlone(store, clock);
            }
        }
    }

    /** A call waiting for, or being run in, a unit of work; answered once. */
    private static final class Call<T> {
        private static final int WAITING = 0;
        private static final int LEADING = 1;
        private static final int ANSWERED = 2;

        /** Its accounts in lock order, the call's own last. */
        final List<String> accounts;
        final String featureKey;
        final String idempotencyKey;
        private final Work<T> work;
        private final Thread caller = Thread.currentThread();
        private volatile int state = WAITING;
        private T result;
        private Throwable failure;

        Call(List<String> accounts, String featureKey, String idempotencyKey, Work<T> work) {
            this.accounts = accounts;
            this.featureKey = featureKey;
            this.idempotencyKey = idempotencyKey;
            this.work = work;
        }

        String account() {
            return accounts.get(accounts.size() - 1);
        }

        /** Runs the call in a unit of work of its own, exactly as without combining. */
        void runAlone(CreditStore store, Supplier<Instant> clock) {
            try {
                if (accounts.size() == 1) {
                    String id = accounts.get(0);
                    complete(store.inAccount(id, tx -> work.run(Map.of(id, tx), clock.get())));
                } else {
                    complete(store.inAccounts(accounts, txs -> {
                        Map<String, AccountTransaction> byAccount = new HashMap<>();
                        for (int i = 0; i < accounts.size(); i++) {
                            byAccount.put(accounts.get(i), txs.get(i));
                        }
                        return work.run(byAccount, clock.get());
                    }));
                }
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        }

        /**
         * Runs the call on the batch's transactions: a verdict is its own, and so is finding its chain changed;
         * anything else aborts the batch.
         */
        void runCombined(Map<String, CombinedTransaction> combined, Instant now) {
            Map<String, AccountTransaction> mine = new HashMap<>();
            for (String id : accounts) {
                mine.put(id, combined.get(id));
            }
            try {
                complete(work.run(mine, now));
                for (String id : accounts) {
                    combined.get(id).accept();
                }
            } catch (CreditsException e) {
                discard(combined);
                if (isStoreFailure(e)) {
                    throw e;
                }
                fail(e);
            } catch (ChainChanged e) {
                discard(combined);
                fail(e);
            }
        }

        private void discard(Map<String, CombinedTransaction> combined) {
            for (String id : accounts) {
                combined.get(id).discard();
            }
        }

        /** @return whether the store failed (rather than the call's input): the transaction may be unusable */
        private static boolean isStoreFailure(CreditsException e) {
            return e instanceof StoreUnavailableException || e instanceof LockTimeoutException
                    || e instanceof TransactionConflictException || e instanceof SchemaMissingException
                    || e instanceof StoreConfigurationException;
        }

        private void complete(T value) {
            result = value;
            failure = null;
        }

        void fail(Throwable e) {
            result = null;
            failure = e;
        }

        /** @return true if this call leads the next batch, false if a batch answered it */
        boolean awaitTurn() {
            boolean interrupted = false;
            // The call may be running in another thread's batch: it cannot be abandoned, so wait on.
            while (state == WAITING) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return state == LEADING;
        }

        void wake() {
            state = ANSWERED;
            LockSupport.unpark(caller);
        }

        void lead() {
            state = LEADING;
            LockSupport.unpark(caller);
        }

        T answer() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return result;
        }
    }
}
