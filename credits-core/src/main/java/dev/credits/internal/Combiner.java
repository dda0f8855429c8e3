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

import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Write-combining: concurrent calls run together in one transaction. Calls are grouped by the root of their
 * organization (an account in no pool is its own root), so a pool and its members always combine. A call whose root has
 * no unit of work in flight in this JVM runs at once, in one of its own, while fewer than a bound of units of work are
 * in flight; else it waits: for its root's unit in flight (the calls waiting on a root form its next batch), or, at the
 * bound, for any unit to finish, which then runs the calls of every waiting root (up to a bound of calls) as its next
 * batch. While such a batch of several roots is in flight the bound of units in flight drops to a quarter (at least
 * one): units that finish beyond it hand nothing on, so that under a crowd the calls ride a few large batches rather
 * than many units of one call each, and the bound rises again once no batch of several roots is in flight. A batch
 * cut at the bound of calls leaves roots waiting; a unit of work started by a call takes them first, and where they
 * fill it the call hands it to one of theirs and waits its turn (so every batch is led by a thread whose call is in
 * it). Calls arriving on a batch's roots while it locks and reads its accounts and runs its calls join it (after its
 * calls, up to the bound of calls) where their accounts are among those it locked: so a call that waits behind a
 * batch mostly rides in it rather than in the next. Where a unit of work
 * {@linkplain CreditStore#unitsOfWorkAreCostly() is costly} (a database's round trips and commit) even a call that
 * starts one alone runs it as such a batch; elsewhere (in memory) a lone call runs as without combining. Where the
 * store does not {@linkplain CreditStore#combinesAcrossAccounts() combine across accounts} a batch holds one root's
 * calls and the bound does not apply (waiting would share nothing). So calls wait only behind work in flight (no
 * timer), and calls on different accounts share a commit only when units of work queue. A batch is one {@link
 * CreditStore#inAccounts} transaction: every account its calls touch locked in one canonical order (by depth below its
 * root, then by id: root first, so units never wait for each other in a cycle), their snapshots read at once ({@link
 * CreditStore#snapshots}), each call evaluated in arrival order on the state the previous ones left ({@link
 * CombinedTransaction}, one per account), one change set per account, one commit. A batch is led by the thread of one
 * of its calls.
 *
 * <p>A call that returns a value (a rejection too) or throws one of the ledger's verdicts (a {@link CreditsException}
 * about its input: it changed nothing) is answered as alone; a call whose account turned out to be in other pools
 * ({@link ChainChanged}) leaves the batch, unanswered by it; anything else aborts the combined transaction, and so
 * does a failed write (a unique index tripped, a promotion exhausted): then each call of a batch of several runs again
 * alone, so no caller gets another's failure (a batch of one call fails with it, as alone). A lost store (its outcome
 * unknown) or, on one account, a lock timeout is every caller's: each alone would have met it too. Every caller is
 * answered after the store returned.
 *
 * <p>Time: a batch reads the clock before it locks its accounts, and its calls run at that instant. A call joining
 * it late runs at the instant read when it joined (never before it was made), and joins only within
 * {@link #LATE_WINDOW} of the first: the snapshots hold the holds due by then, and each call sees those due at its
 * own instant. Thread-safe.
 */
final class Combiner {
    private static final Logger LOG = LoggerFactory.getLogger(Combiner.class);

    /**
     * How long after a batch read the clock calls may still join it: its snapshots are read with the holds due by
     * then, so a late call sees the holds due at its own instant. A batch that waited longer for its locks takes no
     * late calls (they wait for the next one).
     */
    static final Duration LATE_WINDOW = Duration.ofSeconds(1);

    /**
     * Catalog writes this JVM has committed (see {@link UnitOfWork#writeCatalog}): a batch whose calls join late
     * reads their features again only if one happened since it read them, since the price list is not locked. A
     * change committed by another process reaches a late call that way within {@link #LATE_WINDOW}.
     */
    private static final AtomicLong CATALOG_WRITES = new AtomicLong();

    /** A catalog write of this JVM has committed (called after it returned). */
    static void catalogWritten() {
        CATALOG_WRITES.incrementAndGet();
    }

    /** One call: how it runs on the transactions of its accounts (by account id), one unit of work at a time. */
    interface Work<T> {
        T run(Map<String, AccountTransaction> transactions, Instant now);
    }

    private final CreditStore store;
    private final Supplier<Instant> clock;
    private final int maxBatch;
    private final int maxInFlight;

    // Guarded by this.
    /** Every root with calls waiting or running. */
    private final Map<String, Root> roots = new HashMap<>();
    /** Roots with waiting calls and no batch running: they wait for a batch to finish (only at the in-flight bound). */
    private final ArrayDeque<Root> ready = new ArrayDeque<>();
    private int inFlight;
    /**
     * How many batches of several roots are in flight. While any is, the bound of units in flight is {@link
     * #crowdedBound}, not {@link #maxInFlight}: calls queued beyond the bound share a few large units rather than
     * fill the slots one call at a time (measured on PostgreSQL, 32 threads on 10,000 accounts: two or three units in
     * flight ran 3,300-3,500 deductions/s where eight ran 1,900-2,400).
     */
    private int severalRootsInFlight;
    /** The bound of units in flight while batches of several roots are in flight. */
    private final int crowdedBound;
    /**
     * Whether a batch may hold the calls of several roots ({@link CreditStore#combinesAcrossAccounts()}): asked by the
     * first call, outside the lock (a database store may connect to know it), then kept.
     */
    private volatile Boolean acrossRoots;
    /** Whether a lone call runs as a batch others may join ({@link CreditStore#unitsOfWorkAreCostly()}). */
    private final boolean loneCallsTakeJoiners;

    /**
     * @param maxBatch    the most calls run in one unit of work
     * @param maxInFlight the most units of work in flight at once; calls on other roots wait only beyond it
     */
    Combiner(CreditStore store, Supplier<Instant> clock, int maxBatch, int maxInFlight) {
        this.store = store;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.crowdedBound = Math.max(1, maxInFlight / 4);
        this.loneCallsTakeJoiners = store.unitsOfWorkAreCostly();
    }

    /** The calls of one root (an organization, or an account in no pool) waiting for a batch; guarded by the combiner. */
    private static final class Root {
        final ArrayDeque<Call<?>> waiting = new ArrayDeque<>();
        /** Whether a batch holding the root is in flight. */
        boolean running;
        /** Whether it is in {@link #ready}. */
        boolean isReady;
    }

    /**
     * Runs a call: at once in a unit of work of its own when its root has none in flight and fewer than the bound are
     * (one that calls arriving meanwhile may join, where units of work are costly); otherwise in the batch of its root
     * in flight, if it can still join it, else in the next one, or, at the bound, in the next batch any finishing unit
     * of work forms of waiting roots.
     *
     * @param accounts       the call's accounts in lock order: its pools root first, then the account itself (last)
     * @param featureKey     the feature to read with the account's snapshot, or null
     * @param idempotencyKey the key whose record to read with it, or null
     */
    <T> T run(List<String> accounts, String featureKey, String idempotencyKey, Work<T> work) {
        Call<T> call = new Call<>(accounts, featureKey, idempotencyKey, work);
        boolean acrossRoots = acrossRoots();
        List<Call<?>> batch = null;
        synchronized (this) {
            Root root = roots.computeIfAbsent(accounts.get(0), id -> new Root());
            root.waiting.add(call);
            if (!root.running) {
                markReady(root);
                // Below the bound this call mostly runs alone; at the bound calls wait to share a batch, unless
                // batches hold one root anyway: then waiting gains nothing.
                if (inFlight < bound() || !acrossRoots) {
                    inFlight++;
                    batch = nextBatch(acrossRoots);
                }
            }
        }
        if (batch != null && !batch.contains(call)) {
            // Roots a finished batch left waiting (it was cut at the bound) come first, and may fill this one: it is
            // theirs to run. Its first call leads it, and this call waits its turn like theirs did.
            batch.get(0).lead(batch);
            batch = null;
        }
        if (batch == null) {
            batch = call.awaitTurn();
            if (batch == null) {
                return call.answer();
            }
        }
        // This thread leads a batch its own call is in, then hands the next one (if any) to a call of that one. An
        // interrupt of this caller must not fail the other callers' calls it runs (a pool refuses an interrupted
        // thread a connection): it is put aside while the batch runs and kept for this caller, as when it waits.
        boolean interrupted = Thread.interrupted();
        try {
            interrupted |= execute(batch);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            List<Call<?>> next;
            synchronized (this) {
                Set<String> done = new LinkedHashSet<>();
                batch.forEach(answered -> done.add(answered.root()));
                if (done.size() > 1) {
                    severalRootsInFlight--;
                }
                for (String id : done) {
                    Root root = roots.get(id);
                    root.running = false;
                    if (root.waiting.isEmpty()) {
                        roots.remove(id);
                    } else {
                        markReady(root);
                    }
                }
                // This unit's slot passes to the next batch unless the bound has come down meanwhile.
                next = ready.isEmpty() || (acrossRoots && inFlight > bound()) ? null : nextBatch(acrossRoots);
                if (next == null) {
                    inFlight--;
                }
            }
            if (next != null) {
                // The next leader first: it starts the next unit of work while the answered callers get going.
                next.get(0).lead(next);
            }
            for (Call<?> answered : batch) {
                if (answered != call) {
                    answered.wake();
                }
            }
        }
        return call.answer();
    }

    private void markReady(Root root) {
        if (!root.isReady) {
            root.isReady = true;
            ready.add(root);
        }
    }

    /**
     * @return the next batch: the waiting calls of the ready roots, oldest root first, up to the bound; of the oldest
     * root alone where the store does not {@linkplain CreditStore#combinesAcrossAccounts() combine across accounts}
     * (guarded)
     */
    private List<Call<?>> nextBatch(boolean acrossRoots) {
        List<Call<?>> batch = new ArrayList<>();
        int roots = 0;
        while (batch.size() < maxBatch && !ready.isEmpty() && (roots == 0 || acrossRoots)) {
            roots++;
            Root root = ready.poll();
            root.isReady = false;
            root.running = true;
            while (batch.size() < maxBatch && !root.waiting.isEmpty()) {
                batch.add(root.waiting.poll());
            }
        }
        if (roots > 1) {
            severalRootsInFlight++;
        }
        return batch;
    }

    /** The bound of units in flight now (guarded). */
    private int bound() {
        return severalRootsInFlight > 0 ? crowdedBound : maxInFlight;
    }

    /** @return whether a batch may hold several organizations' calls (false while the store cannot tell yet) */
    boolean combinesAcrossAccounts() {
        return acrossRoots();
    }

    private boolean acrossRoots() {
        Boolean known = acrossRoots;
        if (known == null) {
            try {
                known = store.combinesAcrossAccounts();
            } catch (RuntimeException unreachable) {
                // Not known yet (a database store could not connect to tell): this call runs as on a store that does
                // not combine across accounts, and meets the failure, if it lasts, in its own unit of work.
                LOG.debug("credits: the store could not tell whether it combines across accounts yet", unreachable);
                return false;
            }
            acrossRoots = known;
        }
        return known;
    }

    /**
     * Runs a batch on this thread, which leads it. An interrupt of this thread that arrives meanwhile fails a wait
     * for a connection or a lock, before any work: it is put aside and what it failed runs again (a few times), so
     * that no other caller's call fails of it.
     *
     * @return whether an interrupt of this thread was put aside (the caller keeps it)
     */
    private boolean execute(List<Call<?>> batch) {
        if (batch.size() == 1 && !loneCallsTakeJoiners) {
            batch.get(0).runAlone(store, clock);
            return false;
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
        boolean interrupted = false;
        for (int attempt = 1; ; attempt++) {
            try {
                store.inAccounts(order, txs -> {
                    workReturned[0] = false;
                    long catalogRead = CATALOG_WRITES.get();   // before the snapshots read the features
                    Instant now = clock.get();
                    Instant lateUntil = now.plus(LATE_WINDOW);
                    List<SnapshotRequest> requests = new ArrayList<>(order.size());
                    for (int i = 0; i < order.size(); i++) {
                        Call<?> first = firstCallOn.get(order.get(i));
                        requests.add(first == null ? new SnapshotRequest(txs.get(i), null, null)
                                : new SnapshotRequest(txs.get(i), first.featureKey, first.idempotencyKey));
                    }
                    // The holds due by the end of the late window: each call sees those due at its own instant.
                    List<AccountSnapshot> snapshots = store.snapshots(requests, lateUntil);
                    Map<String, CombinedTransaction> combined = new LinkedHashMap<>();
                    for (int i = 0; i < order.size(); i++) {
                        SnapshotRequest request = requests.get(i);
                        combined.put(order.get(i), new CombinedTransaction(txs.get(i),
                                keys.getOrDefault(order.get(i), Set.of()), snapshots.get(i), request.featureKey(),
                                request.idempotencyKey()));
                    }
                    // Calls that arrived on the batch's roots while their accounts were being locked and read, or
                    // while the batch's calls ran, join it (after them, in arrival order, each round at the instant it
                    // joined): the locks are held and the rows read already, where waiting would cost them a unit of
                    // their own (a late call's idempotency record, or its feature, costs a read).
                    int ran = 0;
                    Instant at = now;
                    while (at != null) {
                        for (; ran < batch.size(); ran++) {
                            Call<?> call = batch.get(ran);
                            if (call.idempotencyKey != null) {
                                combined.get(call.account()).expectKey(call.idempotencyKey);
                            }
                            call.runCombined(combined, at);
                        }
                        Instant joined = admitLateCalls(batch, combined.keySet(), lateUntil);
                        if (joined != null && CATALOG_WRITES.get() != catalogRead) {
                            // Prices are not locked: after a change, the calls that joined read theirs anew.
                            catalogRead = CATALOG_WRITES.get();
                            combined.values().forEach(CombinedTransaction::readFeaturesAgain);
                        }
                        at = joined == null ? null : joined.isAfter(at) ? joined : at;
                    }
                    combined.values().forEach(CombinedTransaction::flush);
                    workReturned[0] = true;
                    return null;
                });
                return interrupted;
            } catch (RuntimeException | Error e) {
                if (batch.size() > 1 && !workReturned[0] && attempt < INTERRUPTED_ATTEMPTS && metInterrupt(e)
                        && Thread.interrupted()) {
                    interrupted = true;   // this leader's interrupt, not the batch's: run it again
                    continue;
                }
                if (batch.size() == 1 || e instanceof Error
                        || (workReturned[0] && e instanceof StoreUnavailableException)
                        || (order.size() == 1 && e instanceof LockTimeoutException)) {
                    // One call (no other's failure to spare it), the commit's outcome unknown, or the one account's
                    // lock not had in time: the batch's common fate, as it would have been each call's alone (and
                    // rerunning each would meet it, or wait, once more).
                    for (Call<?> call : batch) {
                        call.fail(e);
                    }
                    return interrupted;
                }
                LOG.debug("credits: a combined unit of work of {} calls on accounts {} failed; running them one by one",
                        batch.size(), order, e);
                for (Call<?> call : batch) {
                    for (int alone = 1; ; alone++) {
                        call.runAlone(store, clock);
                        if (alone >= INTERRUPTED_ATTEMPTS || call.failure == null || !metInterrupt(call.failure)
                                || !Thread.interrupted()) {
                            break;
                        }
                        interrupted = true;
                        call.failure = null;
                    }
                }
                return interrupted;
            }
        }
    }

    /** How many times a batch, or a call of it run alone, runs when this thread's interrupts keep failing it. */
    private static final int INTERRUPTED_ATTEMPTS = 3;

    /**
     * @return whether the failure met an interrupt while waiting for a connection or a lock (an
     * {@link InterruptedException} among its causes): before any work of the unit ran, so it may run again
     */
    private static boolean metInterrupt(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the calls waiting on the batch's roots into it, oldest first, while the bound of calls allows and each
     * one's accounts are among those the batch holds locked (a call on an account it does not hold, and those after
     * it, wait for the next batch), unless the clock, read now, is past {@code lateUntil}. The roots stay running:
     * their calls queue behind the batch and nowhere else.
     *
     * @return the instant read (every call that joined was made before it), or null if none joined
     */
    private synchronized Instant admitLateCalls(List<Call<?>> batch, Set<String> locked, Instant lateUntil) {
        // Read under the lock calls queue under: every call waiting now was made before this instant.
        Instant now = clock.get();
        if (now.isAfter(lateUntil)) {
            return null;
        }
        boolean admitted = false;
        Set<String> batchRoots = new LinkedHashSet<>();
        batch.forEach(call -> batchRoots.add(call.root()));
        for (String id : batchRoots) {
            Root root = roots.get(id);
            while (batch.size() < maxBatch && !root.waiting.isEmpty()
                    && locked.containsAll(root.waiting.peek().accounts)) {
                batch.add(root.waiting.poll());
                admitted = true;
            }
        }
        return admitted ? now : null;
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
        /** The batch this call's thread is to lead (written before {@link #state}, read after it). */
        private List<Call<?>> toLead;
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

        String root() {
            return accounts.get(0);
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

        /** @return the batch this call leads, or null once a batch answered it */
        List<Call<?>> awaitTurn() {
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
            return state == LEADING ? toLead : null;
        }

        void wake() {
            state = ANSWERED;
            LockSupport.unpark(caller);
        }

        /** Makes this call's thread run {@code batch} (which holds this call). */
        void lead(List<Call<?>> batch) {
            toLead = batch;
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
