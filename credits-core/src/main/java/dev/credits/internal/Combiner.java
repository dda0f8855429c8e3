package dev.credits.internal;

import dev.credits.CreditsException;
import dev.credits.LockTimeoutException;
import dev.credits.SchemaMissingException;
import dev.credits.StoreConfigurationException;
import dev.credits.StoreUnavailableException;
import dev.credits.TransactionConflictException;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.CreditStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Write-combining per account: while a unit of work for an account is in flight in this JVM, further calls for that
 * account queue; the next unit of work runs the queued calls (up to a bound) in one {@link CreditStore#inAccount}
 * transaction under one lock, each evaluated in arrival order on the state the previous ones left
 * ({@link CombinedTransaction}), one change set, one commit. No timer: a lone call runs at once (the first caller
 * runs; the calls arriving meanwhile form the next batch, run by the first of them once the running one is done).
 *
 * <p>A call that returns a value (a rejection too) or throws one of the ledger's verdicts (a {@link CreditsException}
 * about its input: it changed nothing) is answered as alone; anything else aborts the combined transaction, and so
 * does a failed write (a unique index tripped, a promotion exhausted): then each call runs again alone, so no caller
 * gets another's failure. A failure after the work returned (the commit), or a lock timeout, is every caller's. Every
 * caller is answered after the store returned. Thread-safe.
 */
final class Combiner {
    private static final Logger LOG = LoggerFactory.getLogger(Combiner.class);

    /** One call on an account: what it reads with the snapshot and how it runs on a transaction at a time. */
    interface Work<T> {
        T run(AccountTransaction tx, Instant now);
    }

    private final CreditStore store;
    private final Supplier<Instant> clock;
    private final int maxBatch;
    /** Accounts with a unit of work in flight, and the calls waiting for it. */
    private final ConcurrentHashMap<String, ArrayDeque<Call<?>>> lanes = new ConcurrentHashMap<>();

    Combiner(CreditStore store, Supplier<Instant> clock, int maxBatch) {
        this.store = store;
        this.clock = clock;
        this.maxBatch = maxBatch;
    }

    <T> T run(String accountId, String idempotencyKey, Work<T> work) {
        Call<T> call = new Call<>(idempotencyKey, work);
        boolean[] leader = {false};
        lanes.compute(accountId, (id, waiting) -> {
            if (waiting == null) {
                leader[0] = true;
                return new ArrayDeque<>();
            }
            waiting.add(call);
            return waiting;
        });
        if (!leader[0] && !call.awaitTurn()) {
            return call.answer();
        }
        List<Call<?>> batch = new ArrayList<>();
        batch.add(call);
        lanes.computeIfPresent(accountId, (id, waiting) -> {
            while (batch.size() < maxBatch && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
            return waiting;
        });
        try {
            execute(accountId, batch);
        } finally {
            // The next leader first: it starts the next unit of work while the answered callers get going again.
            handOver(accountId);
            for (int i = 1; i < batch.size(); i++) {
                batch.get(i).wake();
            }
        }
        return call.answer();
    }

    /** The lane's next waiting call runs the next batch; without one the account has nothing in flight. */
    private void handOver(String accountId) {
        Call<?>[] next = {null};
        lanes.computeIfPresent(accountId, (id, waiting) -> {
            next[0] = waiting.poll();
            return next[0] == null ? null : waiting;
        });
        if (next[0] != null) {
            next[0].lead();
        }
    }

    private void execute(String accountId, List<Call<?>> batch) {
        if (batch.size() == 1) {
            batch.get(0).runAlone(store, accountId, clock);
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        for (Call<?> call : batch) {
            if (call.idempotencyKey != null) {
                keys.add(call.idempotencyKey);
            }
        }
        boolean[] workReturned = {false};
        try {
            store.inAccount(accountId, tx -> {
                workReturned[0] = false;
                Instant now = clock.get();
                CombinedTransaction combined = new CombinedTransaction(tx, keys);
                for (Call<?> call : batch) {
                    call.runCombined(combined, now);
                }
                combined.flush();
                workReturned[0] = true;
                return null;
            });
        } catch (RuntimeException | Error e) {
            if (workReturned[0] || e instanceof LockTimeoutException) {
                // The commit failed, or the account's lock could not be had in time: the batch's common fate, as it
                // would have been each call's alone (and rerunning each would wait for the lock once more).
                for (Call<?> call : batch) {
                    call.fail(e);
                }
                return;
            }
            LOG.debug("credits: a combined unit of work of {} calls on account '{}' failed; running them one by one",
                    batch.size(), accountId, e);
            for (Call<?> call : batch) {
                call.runAlone(store, accountId, clock);
            }
        }
    }

    /** A call waiting for, or being run in, a unit of work; answered once. */
    private static final class Call<T> {
        private static final int WAITING = 0;
        private static final int LEADING = 1;
        private static final int ANSWERED = 2;

        final String idempotencyKey;
        private final Work<T> work;
        private final Thread caller = Thread.currentThread();
        private volatile int state = WAITING;
        private T result;
        private Throwable failure;

        Call(String idempotencyKey, Work<T> work) {
            this.idempotencyKey = idempotencyKey;
            this.work = work;
        }

        /** Runs the call in a unit of work of its own, exactly as without combining. */
        void runAlone(CreditStore store, String accountId, Supplier<Instant> clock) {
            try {
                complete(store.inAccount(accountId, tx -> work.run(tx, clock.get())));
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        }

        /** Runs the call on the batch's transaction: a verdict is its own; anything else aborts the batch. */
        void runCombined(CombinedTransaction tx, Instant now) {
            try {
                complete(work.run(tx, now));
                tx.accept();
            } catch (CreditsException e) {
                tx.discard();
                if (isStoreFailure(e)) {
                    throw e;
                }
                fail(e);
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
