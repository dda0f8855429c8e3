package dev.credits.internal;

import dev.credits.CreditLedger;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The combiner's hand-offs under load with small bounds: batches cut short at the call bound leave roots waiting, and
 * a call arriving then must still be run itself, and answered with its own result, never another call's.
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

    /** The store, saying it combines across accounts (as the database stores do), so batches hold several roots. */
    private static CreditStore acrossAccounts(CreditStore store) {
        return (CreditStore) Proxy.newProxyInstance(CreditStore.class.getClassLoader(), new Class<?>[] {CreditStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("combinesAcrossAccounts")) {
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
        final String root;
        final Object token = new Object();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Object answer;
        Thread thread;

        private Caller(String root) {
            this.root = root;
        }

        static Caller start(Combiner combiner, String root, boolean held, List<Caller> callers) {
            Caller caller = new Caller(root);
            callers.add(caller);
            caller.thread = new Thread(() -> caller.answer = combiner.run(List.of(root), null, null, (txs, now) -> {
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
