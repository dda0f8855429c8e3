package dev.credits.internal;

import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.HoldStateException;
import dev.credits.testkit.MutableClock;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The combiner's hand-offs under load with small bounds: batches cut short at the call bound leave roots waiting, and
 * a call arriving then must still be run itself, and answered with its own result, never another call's. And calls
 * arriving while a batch locks and runs join it, up to the bound.
 */
class CombinerTest {
    private static final int ROOTS = 12;
    private static final int THREADS = 24;
    private static final int CALLS_PER_THREAD = 400;

    @Test
    void everyCallIsRunOnceAndAnsweredWithItsOwnResultWhenBatchesAreCutAtTheBound() throws Exception {
        CreditStore store = acrossAccounts(new InMemoryCreditStore());
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        List<String> roots = new ArrayList<>();
        for (int i = 0; i < ROOTS; i++) {
            roots.add("acct_" + i);
            ledger.openAccount(roots.get(i));
        }
        // At most two calls a batch and two units in flight: batches of several roots are cut short all the time.
        Combiner combiner = new Combiner(store, () -> Instant.EPOCH, 2, 2);
        AtomicInteger runs = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(pool.submit(() -> {
                    Random random = new Random(thread);
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        Object mine = new Object();
                        String root = roots.get(random.nextInt(ROOTS));
                        Object answer = combiner.run(List.of(root), null, null, (txs, now) -> {
                            runs.incrementAndGet();
                            assertTrue(txs.containsKey(root), "the call runs on its own account");
                            // Units of work of uneven length, so batches finish in every order.
                            LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(50_000));
                            return mine;
                        });
                        assertSame(mine, answer, "the call was answered with its own result");
                    }
                    return null;
                }));
            }
            for (Future<?> thread : threads) {
                // A call left waiting with no batch to run it hangs its thread: fail instead of waiting forever.
                thread.get(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(THREADS * CALLS_PER_THREAD, runs.get(), "every call ran exactly once");
    }

    /**
     * The order that once let a caller lead a batch without its own call (answering it null, and leaving its call to
     * a batch that would hand itself to a thread gone): two units in flight at most and two calls a batch; a batch of
     * two roots finishes while one unit is in flight, takes two waiting calls of its first root and leaves the second
     * root ready; a call on a third root then finds a unit free.
     */
    @Test
    void aCallFindingAUnitFreeWhileOtherRootsWaitIsStillRunItself() throws Exception {
        CreditStore store = acrossAccounts(new InMemoryCreditStore());
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        for (String id : List.of("a", "b", "c", "d", "e")) {
            ledger.openAccount(id);
        }
        Combiner combiner = new Combiner(store, () -> Instant.EPOCH, 2, 2);
        List<Caller> callers = new ArrayList<>();

        Caller a = Caller.start(combiner, "a", true, callers);
        a.entered.await();
        Caller b = Caller.start(combiner, "b", true, callers);
        b.entered.await();
        // At the bound: c and e wait, and form one batch over both roots when b finishes.
        Caller c = Caller.start(combiner, "c", true, callers).parked();
        Caller.start(combiner, "e", false, callers).parked();
        b.release.countDown();
        c.entered.await();
        a.release.countDown();
        a.thread.join();
        // One unit in flight (c's and e's); more calls queue behind it on both roots.
        Caller c2 = Caller.start(combiner, "c", true, callers).parked();
        Caller.start(combiner, "c", false, callers).parked();
        Caller.start(combiner, "e", false, callers).parked();
        Caller.start(combiner, "e", false, callers).parked();
        c.release.countDown();
        // The next batch holds c's two waiting calls (the bound): e is left waiting with a unit free.
        c2.entered.await();
        Caller d = Caller.start(combiner, "d", false, callers);
        d.thread.join(Duration.ofSeconds(10).toMillis());
        c2.release.countDown();
        for (Caller caller : callers) {
            caller.thread.join(Duration.ofSeconds(10).toMillis());
            assertFalse(caller.thread.isAlive(), "the call on " + caller.root + " was answered");
            assertSame(caller.token, caller.answer, "the call on " + caller.root + " got its own result");
        }
    }

    /**
     * Once calls waiting at the bound share a batch of several roots, the bound of units in flight drops to a quarter
     * while it runs: a unit finishing meanwhile hands nothing on and a new call does not start one, so the calls
     * queued meanwhile ride the next batch rather than a unit each; once no batch of several roots is in flight, the
     * full bound applies again.
     */
    @Test
    void whileABatchOfSeveralRootsIsInFlightTheBoundDropsToAQuarter() throws Exception {
        CreditStore store = acrossAccounts(new InMemoryCreditStore());
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        for (String id : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")) {
            ledger.openAccount(id);
        }
        // Four units in flight at most, one while a batch of several roots runs.
        Combiner combiner = new Combiner(store, () -> Instant.EPOCH, 64, 4);
        List<Caller> callers = new ArrayList<>();
        Map<String, Caller> held = new HashMap<>();
        for (String id : List.of("a", "b", "c", "d")) {
            held.put(id, Caller.start(combiner, id, true, callers));
            assertTrue(held.get(id).entered.await(10, TimeUnit.SECONDS));
        }
        // At the bound: e and f wait, and form one batch over both roots when a finishes.
        Caller e = Caller.start(combiner, "e", true, callers).parked();
        Caller f = Caller.start(combiner, "f", false, callers).parked();
        held.get("a").release.countDown();
        assertTrue(e.entered.await(10, TimeUnit.SECONDS), "e and f run as one batch");
        Caller g = Caller.start(combiner, "g", false, callers).parked();
        // b's unit finishes with g waiting: with the bound at four it would run g; at one it hands nothing on.
        held.get("b").release.countDown();
        held.get("b").thread.join(Duration.ofSeconds(10).toMillis());
        // Three units in flight: a new call would start a fourth under the full bound; it waits too.
        Caller h = Caller.start(combiner, "h", false, callers);
        assertFalse(h.entered.await(100, TimeUnit.MILLISECONDS), "h waits for the batch of several roots in flight");
        h.parked();
        assertEquals(1, g.entered.getCount(), "g waits for the batch of several roots in flight");
        e.release.countDown();
        assertTrue(g.entered.await(10, TimeUnit.SECONDS), "g runs once the batch of several roots finished");
        assertTrue(h.entered.await(10, TimeUnit.SECONDS), "h runs once the batch of several roots finished");
        g.thread.join(Duration.ofSeconds(10).toMillis());
        h.thread.join(Duration.ofSeconds(10).toMillis());
        assertTrue(e.order < f.order && f.order < g.order && g.order < h.order, "in arrival order");
        // No batch of several roots in flight, c's and d's units still are: under the full bound a new call runs.
        Caller i = Caller.start(combiner, "i", false, callers);
        assertTrue(i.entered.await(10, TimeUnit.SECONDS), "the full bound applies again");
        held.get("c").release.countDown();
        held.get("d").release.countDown();
        for (Caller caller : callers) {
            caller.thread.join(Duration.ofSeconds(10).toMillis());
            assertFalse(caller.thread.isAlive(), "the call on " + caller.root + " was answered");
            assertSame(caller.token, caller.answer, "the call on " + caller.root + " got its own result");
        }
    }

    /**
     * A call arriving on a root whose batch is reading its snapshots, or running its calls, joins that batch: it runs
     * in the same unit of work (the same transaction of the account), after the batch's calls; one arriving on a full
     * batch waits for the next.
     */
    @Test
    void callsArrivingWhileABatchLocksAndRunsJoinItUpToTheBound() throws Exception {
        Gates gates = new Gates();
        CreditStore store = gated(new InMemoryCreditStore(), gates);
        CreditLedger.builder().store(store).build().openAccount("a");
        Combiner combiner = new Combiner(store, () -> Instant.EPOCH, 4, 8);
        List<Caller> callers = new ArrayList<>();

        Caller first = Caller.start(combiner, "a", true, callers);
        first.entered.await();
        // Two calls wait behind the first: they form the next batch, which stops in reading its snapshot.
        Caller b = Caller.start(combiner, "a", true, callers).parked();
        Caller c = Caller.start(combiner, "a", false, callers).parked();
        CountDownLatch snapshotsRead = new CountDownLatch(1);
        gates.snapshots = snapshotsRead;
        first.release.countDown();
        assertTrue(gates.inSnapshots.await(10, TimeUnit.SECONDS), "the next batch reads its snapshots");
        Caller lateToTheLock = Caller.start(combiner, "a", false, callers).parked();
        snapshotsRead.countDown();
        b.entered.await();
        // While the batch's first call runs, one more arrives; it joins after the calls before it (4: the bound).
        Caller lateToTheCalls = Caller.start(combiner, "a", false, callers).parked();
        Caller beyondTheBound = Caller.start(combiner, "a", false, callers).parked();
        b.release.countDown();
        for (Caller caller : callers) {
            caller.thread.join(Duration.ofSeconds(10).toMillis());
            assertFalse(caller.thread.isAlive(), "every call was answered");
            assertSame(caller.token, caller.answer, "every call got its own result");
        }
        for (Caller joined : List.of(c, lateToTheLock, lateToTheCalls)) {
            assertSame(b.transaction, joined.transaction, "the late call ran in the batch's unit of work");
        }
        assertTrue(b.order < c.order && c.order < lateToTheLock.order && lateToTheLock.order < lateToTheCalls.order,
                "in arrival order");
        assertNotSame(b.transaction, beyondTheBound.transaction, "a full batch takes no more calls");
        assertNotSame(first.transaction, b.transaction);
    }

    /**
     * Where a unit of work is costly (a database's), a call that finds nothing in flight runs its unit of work as a
     * batch: a call arriving while it reads its snapshot joins it. In memory a lone call runs alone (checked above: the
     * first call's unit of work is never the next batch's).
     */
    @Test
    void whereUnitsOfWorkAreCostlyALoneCallsUnitTakesCallsArrivingMeanwhile() throws Exception {
        Gates gates = new Gates();
        CreditStore store = saying(gated(new InMemoryCreditStore(), gates), "unitsOfWorkAreCostly");
        CreditLedger.builder().store(store).build().openAccount("a");
        Combiner combiner = new Combiner(store, () -> Instant.EPOCH, 4, 8);
        List<Caller> callers = new ArrayList<>();
        int unitsBefore = gates.units.get();
        CountDownLatch snapshotsRead = new CountDownLatch(1);
        gates.snapshots = snapshotsRead;
        Caller lone = Caller.start(combiner, "a", false, callers);
        assertTrue(gates.inSnapshots.await(10, TimeUnit.SECONDS), "the lone call's unit read its snapshot as a batch");
        Caller late = Caller.start(combiner, "a", false, callers).parked();
        snapshotsRead.countDown();
        for (Caller caller : callers) {
            caller.thread.join(Duration.ofSeconds(10).toMillis());
            assertFalse(caller.thread.isAlive(), "every call was answered");
            assertSame(caller.token, caller.answer, "every call got its own result");
        }
        assertSame(lone.transaction, late.transaction, "the late call ran in the lone call's unit of work");
        assertEquals(unitsBefore + 1, gates.units.get(), "one unit of work");
    }

    /**
     * Through the ledger: deductions arriving while a batch reads its snapshot join it, and one of them replaying an
     * idempotency key finds the stored result (its record is read when it joins), so nothing is charged twice.
     */
    @Test
    void aLateDeductionWithAKeyJoinsTheBatchAndReplays() throws Exception {
        Gates gates = new Gates();
        CreditStore store = gated(new InMemoryCreditStore(), gates);
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        ledger.saveFeaturePricing(FeatureDefinition.of("render", "Render", 5));
        ledger.openAccount("a");
        ledger.grant(GrantRequest.of("a", 100));
        DeductRequest render = DeductRequest.of("a", "render");
        DeductionResult keyed = ledger.deductCredits(render.withIdempotencyKey("job-1"));

        List<Thread> threads = new ArrayList<>();
        List<DeductionResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch snapshotsRead = batchStoppedInItsSnapshots(gates, threads,
                () -> results.add(ledger.deductCredits(render)));
        int unitsBefore = gates.units.get();
        DeductionResult[] replay = new DeductionResult[1];
        DeductionResult[] fresh = new DeductionResult[1];
        threads.add(parked(started(() -> replay[0] = ledger.deductCredits(render.withIdempotencyKey("job-1")))));
        threads.add(parked(started(() -> fresh[0] = ledger.deductCredits(render.withIdempotencyKey("job-2")))));
        snapshotsRead.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(10).toMillis());
            assertFalse(thread.isAlive(), "every deduction was answered");
        }
        assertEquals(unitsBefore, gates.units.get(), "the late deductions ran in the batch's unit of work");
        assertTrue(replay[0].replayed(), "the key's stored result");
        assertEquals(keyed.transactionId(), replay[0].transactionId());
        assertTrue(fresh[0].success() && !fresh[0].replayed());
        assertEquals(3, results.size());
        results.forEach(result -> assertTrue(result.success()));
        assertEquals(100 - 5 * 5, ledger.balance("a").available(), "five charges: the replay charged nothing");
    }

    /**
     * A late call runs at the instant it joined, never at the batch's earlier one: a hold that came due between the two
     * is expired for it, as it would be for the call alone, so its commit is refused.
     */
    @Test
    void aLateCallRunsAtTheInstantItJoinedNotTheBatchsEarlierOne() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Gates gates = new Gates();
        CreditStore store = gated(new InMemoryCreditStore(), gates);
        CreditLedger ledger = CreditLedger.builder().store(store).clock(clock).build();
        ledger.saveFeaturePricing(FeatureDefinition.of("render", "Render", 5));
        ledger.openAccount("a");
        ledger.grant(GrantRequest.of("a", 100));
        String holdId = ledger.reserve("a", "render", 1, Duration.ofMillis(300)).hold().holdId();

        List<Thread> threads = new ArrayList<>();
        CountDownLatch snapshotsRead = batchStoppedInItsSnapshots(gates, threads,
                () -> ledger.deductCredits(DeductRequest.of("a", "render")));
        // The batch read the clock before the hold's deadline; the commit is made after it.
        clock.advance(Duration.ofMillis(500));
        int unitsBefore = gates.units.get();
        Throwable[] refused = new Throwable[1];
        threads.add(parked(started(() -> {
            try {
                ledger.commit(holdId);
            } catch (RuntimeException e) {
                refused[0] = e;
            }
        })));
        snapshotsRead.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(10).toMillis());
            assertFalse(thread.isAlive(), "every call was answered");
        }
        assertEquals(unitsBefore, gates.units.get(), "the commit ran in the batch's unit of work");
        assertInstanceOf(HoldStateException.class, refused[0], "the hold's deadline passed before the commit");
        assertEquals(100 - 3 * 5, ledger.balance("a").available(), "three deductions; the expired hold gave back 5");
    }

    /**
     * Runs {@code deduct} on three threads: the first alone, held in its unit of work until two more wait behind it;
     * then those two form the next batch, which stops in reading its snapshots. @return the latch that lets it go on
     */
    private static CountDownLatch batchStoppedInItsSnapshots(Gates gates, List<Thread> threads, Runnable deduct)
            throws InterruptedException {
        CountDownLatch heldAlone = new CountDownLatch(1);
        gates.inAccount = heldAlone;
        threads.add(started(deduct));
        assertTrue(gates.inInAccount.await(10, TimeUnit.SECONDS), "the first deduction runs alone");
        threads.add(parked(started(deduct)));
        threads.add(parked(started(deduct)));
        CountDownLatch snapshotsRead = new CountDownLatch(1);
        gates.snapshots = snapshotsRead;
        heldAlone.countDown();
        assertTrue(gates.inSnapshots.await(10, TimeUnit.SECONDS), "the next batch reads its snapshots");
        return snapshotsRead;
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits until the thread waits (parked: its call queued behind the unit of work in flight). */
    private static Thread parked(Thread thread) throws InterruptedException {
        while (thread.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        return thread;
    }

    /** Latches a test arms to stop the next unit of work alone, or the next batch's snapshot read, until released. */
    private static final class Gates {
        volatile CountDownLatch inAccount;
        final CountDownLatch inInAccount = new CountDownLatch(1);
        volatile CountDownLatch snapshots;
        final CountDownLatch inSnapshots = new CountDownLatch(1);
        /** Units of work begun (inAccount and inAccounts). */
        final AtomicInteger units = new AtomicInteger();
    }

    private static CreditStore gated(CreditStore store, Gates gates) {
        return (CreditStore) Proxy.newProxyInstance(CreditStore.class.getClassLoader(), new Class<?>[] {CreditStore.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("inAccount") || name.equals("inAccounts")) {
                        gates.units.incrementAndGet();
                    }
                    CountDownLatch gate = name.equals("inAccount") ? gates.inAccount
                            : name.equals("snapshots") ? gates.snapshots : null;
                    if (gate != null) {
                        if (name.equals("inAccount")) {
                            gates.inAccount = null;
                            gates.inInAccount.countDown();
                        } else {
                            gates.snapshots = null;
                            gates.inSnapshots.countDown();
                        }
                        gate.await();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The store, saying it combines across accounts (as the database stores do), so batches hold several roots. */
    private static CreditStore acrossAccounts(CreditStore store) {
        return saying(store, "combinesAcrossAccounts");
    }

    /** The store, answering true to {@code question} (one of its boolean traits), as a database store does. */
    private static CreditStore saying(CreditStore store, String question) {
        return (CreditStore) Proxy.newProxyInstance(CreditStore.class.getClassLoader(), new Class<?>[] {CreditStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals(question)) {
                        return true;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A thread making one call whose work may wait to be released; its result is a token of its own. */
    private static final class Caller {
        private static final AtomicInteger RUN_ORDER = new AtomicInteger();
        final String root;
        final Object token = new Object();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Object answer;
        /** The transaction the call ran on, and when it ran (among all callers' runs). */
        volatile Object transaction;
        volatile int order;
        Thread thread;

        private Caller(String root) {
            this.root = root;
        }

        static Caller start(Combiner combiner, String root, boolean held, List<Caller> callers) {
            Caller caller = new Caller(root);
            callers.add(caller);
            caller.thread = new Thread(() -> caller.answer = combiner.run(List.of(root), null, null, (txs, now) -> {
                caller.transaction = txs.get(root);
                caller.order = RUN_ORDER.incrementAndGet();
                caller.entered.countDown();
                if (held) {
                    try {
                        caller.release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return caller.token;
            }));
            caller.thread.setDaemon(true);
            caller.thread.start();
            return caller;
        }

        /** Waits until the call waits its turn (its thread parked, its work not begun). */
        Caller parked() throws InterruptedException {
            while (thread.getState() != Thread.State.WAITING || entered.getCount() == 0) {
                Thread.sleep(1);
            }
            return this;
        }
    }
}
