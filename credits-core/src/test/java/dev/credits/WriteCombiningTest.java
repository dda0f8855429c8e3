package dev.credits;

import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.AccountWork;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.CreditStore;
import dev.credits.spi.EntryQuery;
import dev.credits.spi.EventStore;
import dev.credits.testkit.InvariantChecker;
import dev.credits.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Write-combining under load: 32 threads on one account with mixed calls. A store that holds every unit of work a
 * moment inside the account's lock makes the calls queue, so they combine. Every caller must get exactly the result
 * of a serial execution (in the order of the sequence numbers the calls produced, run again one by one on a fresh
 * ledger without combining), the invariants must hold, and a failure injected into a combined write must cost no
 * caller anything.
 */
class WriteCombiningTest {
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final String ACCOUNT = "org_pool";
    private static final String FEATURE = "image_generation";
    private static final int THREADS = 32;
    private static final int CALLS_PER_THREAD = 60;

    @Test
    void everyCallerGetsTheResultOfASerialExecution() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        CreditLedger ledger = setUp(store, true);
        List<Recorded> calls = hammer(ledger);

        InvariantChecker.check(ledger, store, ACCOUNT);
        int mutations = (int) calls.stream().filter(Recorded::mutation).count();
        assertTrue(store.units.get() < mutations * 3 / 4, "calls combined: " + store.units.get()
                + " units of work for " + mutations + " changes");
        assertTrue(calls.stream().anyMatch(c -> c.outcome() instanceof DeductionResult d && !d.success()),
                "some deductions were rejected at the limit");
        assertTrue(calls.stream().anyMatch(c -> c.outcome() instanceof DeductionResult d && d.replayed()),
                "some deductions were replayed");

        // The same calls, one by one, in the order of the sequence numbers they produced (what changed nothing after
        // the change it saw; what threw at the end), on a ledger that never combines.
        List<Recorded> serial = new ArrayList<>(calls);
        serial.sort(Comparator.comparingLong(Recorded::order).thenComparingInt(c -> c.mutation() ? 0 : 1));
        InMemoryCreditStore fresh = new InMemoryCreditStore();
        CreditLedger again = setUp(fresh, false);
        Map<String, String> ids = new HashMap<>();
        for (Recorded call : serial) {
            Object outcome = outcome(() -> call.op().run(again, ids));
            assertEquals(summary(call.outcome()), summary(outcome), "call " + call.op());
            mapIds(call.outcome(), outcome, ids);
        }
        Balance combined = ledger.balance(ACCOUNT);
        Balance one = again.balance(ACCOUNT);
        assertEquals(List.of(combined.total(), combined.held(), combined.sequence()),
                List.of(one.total(), one.held(), one.sequence()));
    }

    @Test
    void aFailedCombinedWriteCostsNoCallerAnything() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        CreditLedger ledger = setUp(store, true);
        ledger.grant(GrantRequest.of(ACCOUNT, 10_000));
        store.failCombinedWrites.set(3);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<DeductionResult>> results = new ArrayList<>();
        for (int i = 0; i < THREADS * 4; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return ledger.deductCredits(ACCOUNT, FEATURE);
            }));
        }
        start.countDown();
        for (Future<DeductionResult> result : results) {
            assertTrue(result.get(60, TimeUnit.SECONDS).success());
        }
        pool.shutdown();
        assertEquals(0, store.failCombinedWrites.get(), "the injected failures happened");
        assertEquals(10_000 + 100 - THREADS * 4, ledger.balance(ACCOUNT).available());
        InvariantChecker.check(ledger, store, ACCOUNT);
    }

    @Test
    void callsOnManyAccountsCombineAndEachAccountGetsExactlyItsOwnOutcome() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        CreditLedger ledger = setUp(store, true);
        List<String> accounts = fundedAccounts(ledger, 24);
        int before = store.units.get();
        List<Map.Entry<String, DeductionResult>> results = deductAtRandom(ledger, accounts);

        assertTrue(store.multiAccountUnits.get() > 0, "batches held calls on several accounts");
        assertTrue(store.units.get() - before < results.size() * 3 / 4, "calls combined: "
                + (store.units.get() - before) + " units of work for " + results.size() + " calls");
        assertEachAccountGotItsOwnOutcome(ledger, store, accounts, results);
    }

    @Test
    void oneBatchOverSeveralAccountsRunsAtATimeWhileUnitsOnOneAccountGoOnBesideIt() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        // Four units in flight, 32 threads: calls queue at the bound and ride batches of several accounts; while one
        // runs the bound is a quarter of four (one), so no second one starts, and units already in flight on one
        // account finish beside it.
        CreditLedger ledger = setUp(store, true, 4);
        List<String> accounts = fundedAccounts(ledger, 24);
        List<Map.Entry<String, DeductionResult>> results = deductAtRandom(ledger, accounts);

        assertTrue(store.multiAccountUnits.get() > 0, "batches held calls on several accounts");
        assertEquals(1, store.mostMultiAccountRunning.get(), "one batch over several accounts at a time");
        assertTrue(store.mostRunning.get() > 1, "units of work on one account ran beside it");
        assertEachAccountGotItsOwnOutcome(ledger, store, accounts, results);
    }

    @Test
    void onAStoreThatDoesNotCombineAcrossAccountsABatchHoldsOneOrganizationAndOthersDoNotWait() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        store.acrossAccounts = false;
        // One unit in flight allowed: on a store that combines across accounts every other call would wait for it
        // and join a batch across accounts; here calls on other accounts do not wait at all.
        CreditLedger ledger = setUp(store, true, 1);
        List<String> accounts = fundedAccounts(ledger, 6);
        int before = store.units.get();
        List<Map.Entry<String, DeductionResult>> results = deductAtRandom(ledger, accounts);

        assertEquals(0, store.multiAccountUnits.get(), "no unit of work over several accounts");
        assertTrue(store.mostRunning.get() > 1, "units of work on different accounts ran side by side, past the bound");
        assertTrue(store.units.get() - before < results.size(), "calls on one account still combined: "
                + (store.units.get() - before) + " units of work for " + results.size() + " calls");
        assertEachAccountGotItsOwnOutcome(ledger, store, accounts, results);
    }

    @Test
    void aFailedWriteOfOneAccountCostsTheOtherAccountsOfItsBatchNothing() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        // One unit of work in flight: every call arriving meanwhile waits, so batches hold several accounts.
        CreditLedger ledger = setUp(store, true, 1);
        List<String> accounts = accountIds(8);
        for (String account : accounts) {
            ledger.openAccount(account);
            ledger.grant(GrantRequest.of(account, 100));
        }
        store.failAccount = accounts.get(3);
        store.failAccountWrites.set(3);
        runThreads(THREADS, thread -> {
            for (int i = 0; i < 12; i++) {
                assertTrue(ledger.deductCredits(accounts.get(thread % accounts.size()), FEATURE).success());
            }
        });
        assertEquals(0, store.failAccountWrites.get(), "the injected failures happened");
        for (String account : accounts) {
            assertEquals(100 - THREADS * 12 / accounts.size(), ledger.balance(account).available(), account);
            InvariantChecker.check(ledger, store, account);
        }
    }

    @Test
    void membersOfAPoolCombineWithEachOtherAndWithThePool() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        CreditLedger ledger = setUp(store, true);
        String pool = "org_acme";
        ledger.openAccount(pool);
        ledger.grant(GrantRequest.of(pool, 2_000));
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String member = "user_" + i;
            ledger.openAccount(member);
            ledger.orgs().setParent(member, pool);
            members.add(member);
        }
        ledger.orgs().setCap(members.get(0), SpendingCap.of("daily", CapPeriod.DAY, 10));
        int before = store.units.get();
        ConcurrentLinkedQueue<Map.Entry<String, DeductionResult>> results = new ConcurrentLinkedQueue<>();
        runThreads(THREADS, thread -> {
            Random random = new Random(thread);
            for (int i = 0; i < 20; i++) {
                // Mostly members, now and then the pool itself.
                String account = random.nextInt(10) == 0 ? pool : members.get(random.nextInt(members.size()));
                results.add(Map.entry(account, ledger.deductCredits(account, FEATURE)));
            }
        });

        int calls = results.size();
        assertTrue(store.units.get() - before < calls * 3 / 4, "members' calls combined: "
                + (store.units.get() - before) + " units of work for " + calls + " calls");
        List<DeductionResult> capped = results.stream().filter(r -> r.getKey().equals(members.get(0)))
                .map(Map.Entry::getValue).toList();
        assertEquals(Math.min(10, capped.size()), capped.stream().filter(DeductionResult::success).count());
        assertTrue(capped.stream().allMatch(r -> r.success() || r.reason() == RejectionReason.CAP_EXCEEDED));
        long succeeded = results.stream().filter(r -> r.getValue().success()).count();
        assertEquals(calls - Math.max(0, capped.size() - 10), succeeded, "every other deduction succeeded");
        assertEquals(2_000 - succeeded, ledger.balance(pool).available(), "the pool paid for every deduction");
        assertEquals(Math.min(10, capped.size()), ledger.orgs().capUsed(members.get(0), "daily", null));
        InvariantChecker.check(ledger, store, pool);
        for (String member : members) {
            assertEquals(0, ledger.balance(member).available(), member);
            InvariantChecker.check(ledger, store, member);
        }
    }

    private static List<String> accountIds(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("acct_" + i);
        }
        return ids;
    }

    /** @return {@code count} new accounts of 30 credits each */
    private static List<String> fundedAccounts(CreditLedger ledger, int count) {
        List<String> accounts = accountIds(count);
        for (String account : accounts) {
            ledger.openAccount(account);
            ledger.grant(GrantRequest.of(account, 30));
        }
        return accounts;
    }

    /** Each of {@link #THREADS} threads deducts 30 times, each time from one of the accounts at random. */
    private static List<Map.Entry<String, DeductionResult>> deductAtRandom(CreditLedger ledger, List<String> accounts)
            throws Exception {
        ConcurrentLinkedQueue<Map.Entry<String, DeductionResult>> results = new ConcurrentLinkedQueue<>();
        runThreads(THREADS, thread -> {
            Random random = new Random(thread);
            for (int i = 0; i < 30; i++) {
                String account = accounts.get(random.nextInt(accounts.size()));
                results.add(Map.entry(account, ledger.deductCredits(account, FEATURE)));
            }
        });
        return List.copyOf(results);
    }

    /**
     * Every account's outcome is exactly its own: a rejection only once its 30 credits are gone (whatever its
     * batch-mates did), its balance what its successes left, its invariants kept.
     */
    private static void assertEachAccountGotItsOwnOutcome(CreditLedger ledger, CreditStore store,
                                                          List<String> accounts,
                                                          List<Map.Entry<String, DeductionResult>> results) {
        for (String account : accounts) {
            List<DeductionResult> own = results.stream().filter(r -> r.getKey().equals(account))
                    .map(Map.Entry::getValue).toList();
            long succeeded = own.stream().filter(DeductionResult::success).count();
            assertEquals(Math.min(30, own.size()), succeeded, account);
            assertTrue(own.stream().allMatch(r -> r.success() || r.reason() == RejectionReason.INSUFFICIENT_CREDITS),
                    account);
            assertEquals(30 - succeeded, ledger.balance(account).available(), account);
            InvariantChecker.check(ledger, store, account);
        }
    }

    private interface ThreadWork {
        void run(int thread) throws Exception;
    }

    private static void runThreads(int threads, ThreadWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                work.run(thread);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    private static CreditLedger setUp(CreditStore store, boolean combining) {
        return setUp(store, combining, 2);
    }

    private static CreditLedger setUp(CreditStore store, boolean combining, int maxUnitsInFlight) {
        CreditLedger ledger = CreditLedger.builder().store(store).clock(new MutableClock(START))
                .writeCombining(combining).maxCombinedCalls(16).maxUnitsInFlight(maxUnitsInFlight).build();
        ledger.openAccount(ACCOUNT);
        ledger.saveFeaturePricing(FeatureDefinition.of(FEATURE, "Image generation", 1));
        ledger.grant(GrantRequest.of(ACCOUNT, 100));
        return ledger;
    }

    // ------------------------------------------------------------ the calls

    /** A call replayable on another ledger: ids of earlier results are translated through {@code ids}. */
    interface Op {
        Object run(CreditLedger ledger, Map<String, String> ids);
    }

    record Recorded(Op op, Object outcome) {
        boolean mutation() {
            if (outcome instanceof DeductionResult d) {
                return d.success() && !d.replayed();
            }
            if (outcome instanceof ReservationResult r) {
                return r.success() && !r.replayed();
            }
            if (outcome instanceof RefundResult r) {
                return !r.replayed();
            }
            if (outcome instanceof GrantResult g) {
                return !g.replayed();
            }
            return outcome instanceof CommitResult || outcome instanceof ReleaseResult;
        }

        /** @return the sequence number the call produced or saw; after everything when it threw */
        long order() {
            if (outcome instanceof DeductionResult d) {
                return d.sequence();
            }
            if (outcome instanceof ReservationResult r) {
                return r.sequence();
            }
            if (outcome instanceof RefundResult r) {
                return r.sequence();
            }
            if (outcome instanceof CommitResult c) {
                return c.sequence();
            }
            if (outcome instanceof ReleaseResult r) {
                return r.sequence();
            }
            if (outcome instanceof GrantResult g) {
                return g.sequence();
            }
            return Long.MAX_VALUE;
        }
    }

    private static List<Recorded> hammer(CreditLedger ledger) throws Exception {
        ConcurrentLinkedQueue<Recorded> recorded = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                Random random = new Random(thread);
                List<String> openHolds = new ArrayList<>();
                List<String> deductions = new ArrayList<>();
                for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    Op op = next(random, thread, openHolds, deductions);
                    Object outcome = outcome(() -> op.run(ledger, null));
                    recorded.add(new Recorded(op, outcome));
                    if (outcome instanceof ReservationResult r && r.success() && !r.replayed()) {
                        openHolds.add(r.hold().holdId());
                    }
                    if (outcome instanceof DeductionResult d && d.success() && !d.replayed()) {
                        deductions.add(d.transactionId());
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return new ArrayList<>(recorded);
    }

    private static Op next(Random random, int thread, List<String> openHolds, List<String> deductions) {
        int kind = random.nextInt(100);
        if (kind < 35) {
            long quantity = 1 + random.nextInt(3);
            return named("deduct " + quantity, (l, ids) -> l.deductCredits(DeductRequest.of(ACCOUNT, FEATURE)
                    .withQuantity(quantity)));
        }
        if (kind < 47) {
            int key = random.nextInt(20);
            return named("deduct key k-" + key, (l, ids) -> l.deductCredits(DeductRequest.of(ACCOUNT, FEATURE)
                    .withQuantity(1 + key % 3).withIdempotencyKey("k-" + key)));
        }
        if (kind < 50) {
            int key = random.nextInt(4);
            long quantity = 1 + random.nextInt(3);
            return named("deduct " + quantity + " key c-" + key, (l, ids) -> l.deductCredits(
                    DeductRequest.of(ACCOUNT, FEATURE).withQuantity(quantity).withIdempotencyKey("c-" + key)));
        }
        if (kind < 65) {
            long quantity = 1 + random.nextInt(2);
            return named("reserve " + quantity, (l, ids) -> l.reserve(ReserveRequest.of(ACCOUNT, FEATURE)
                    .withQuantity(quantity).withTimeout(Duration.ofMinutes(5))));
        }
        if (kind < 78 && !openHolds.isEmpty()) {
            String holdId = openHolds.remove(random.nextInt(openHolds.size()));
            return random.nextBoolean()
                    ? named("commit " + holdId, (l, ids) -> l.commit(id(ids, holdId)))
                    : named("release " + holdId, (l, ids) -> l.release(id(ids, holdId)));
        }
        if (kind < 90 && !deductions.isEmpty()) {
            String transactionId = deductions.remove(random.nextInt(deductions.size()));
            return named("refund 1 of " + transactionId, (l, ids) -> l.refundCredits(
                    RefundRequest.of(id(ids, transactionId)).withCredits(1)));
        }
        long amount = 3 + random.nextInt(6);
        return named("grant " + amount + " by " + thread, (l, ids) -> l.grant(GrantRequest.of(ACCOUNT, amount)));
    }

    private static String id(Map<String, String> ids, String original) {
        return ids == null ? original : ids.get(original);
    }

    private static Op named(String name, Op op) {
        return new Op() {
            @Override
            public Object run(CreditLedger ledger, Map<String, String> ids) {
                return op.run(ledger, ids);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private interface Call {
        Object run();
    }

    private static Object outcome(Call call) {
        try {
            return call.run();
        } catch (CreditsException e) {
            return e;
        }
    }

    /** @return what a caller sees, without the generated ids */
    private static String summary(Object outcome) {
        if (outcome instanceof DeductionResult d) {
            return "deduction " + d.success() + " " + d.reason() + " " + d.creditsDeducted() + " "
                    + d.remainingCredits() + " " + d.available() + " " + d.required() + " @" + d.sequence() + " "
                    + d.replayed();
        }
        if (outcome instanceof ReservationResult r) {
            return "reservation " + r.success() + " " + r.reason() + " " + r.required() + " " + r.available() + " @"
                    + r.sequence() + " " + r.replayed();
        }
        if (outcome instanceof RefundResult r) {
            return "refund " + r.creditsRefunded() + " " + r.totalRefunded() + " " + r.remainingCredits() + " @"
                    + r.sequence() + " " + r.replayed();
        }
        if (outcome instanceof CommitResult c) {
            return "commit " + c.creditsCharged() + " " + c.creditsReleased() + " " + c.remainingCredits() + " @"
                    + c.sequence();
        }
        if (outcome instanceof ReleaseResult r) {
            return "release " + r.creditsReleased() + " " + r.remainingCredits() + " @" + r.sequence();
        }
        if (outcome instanceof GrantResult g) {
            return "grant " + g.balanceAfter() + " " + g.debtPaid() + " @" + g.sequence();
        }
        if (outcome instanceof Exception e) {
            return e.getClass().getSimpleName();
        }
        return String.valueOf(outcome);
    }

    private static void mapIds(Object original, Object again, Map<String, String> ids) {
        if (original instanceof DeductionResult d && d.transactionId() != null) {
            ids.put(d.transactionId(), ((DeductionResult) again).transactionId());
        }
        if (original instanceof ReservationResult r && r.hold() != null) {
            ids.put(r.hold().holdId(), ((ReservationResult) again).hold().holdId());
        }
    }

    // ------------------------------------------------------------ the store

    /**
     * An in-memory store whose units of work take a moment inside the account's lock (as a database's round trips
     * do), so concurrent calls queue and combine. It counts units of work, and fails the given number of combined
     * writes (a change set of more than one entry) as a database error would.
     */
    static final class SlowStore implements CreditStore {
        private final CreditStore delegate;
        final AtomicInteger units = new AtomicInteger();
        final AtomicInteger failCombinedWrites = new AtomicInteger();
        final AtomicInteger multiAccountUnits = new AtomicInteger();
        /** Whose writes fail, in units of work over several accounts, {@link #failAccountWrites} times. */
        volatile String failAccount;
        final AtomicInteger failAccountWrites = new AtomicInteger();

        /** Whether it says it {@linkplain CreditStore#combinesAcrossAccounts() combines across accounts}. */
        volatile boolean acrossAccounts = true;

        SlowStore(CreditStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean combinesAcrossAccounts() {
            return acrossAccounts;
        }

        /** Units of work running now, and the most that ever ran at once. */
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostRunning = new AtomicInteger();
        /** Units of work over several accounts running now, and the most that ever ran at once. */
        final AtomicInteger multiAccountRunning = new AtomicInteger();
        final AtomicInteger mostMultiAccountRunning = new AtomicInteger();

        @Override
        public <T> T inAccount(String accountId, AccountWork<T> work) {
            return delegate.inAccount(accountId, tx -> {
                units.incrementAndGet();
                mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    pause();
                    return work.run(failing(tx, false));
                } finally {
                    running.decrementAndGet();
                }
            });
        }

        private static void pause() {
            long until = System.nanoTime() + 200_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }

        private AccountTransaction failing(AccountTransaction tx, boolean severalAccounts) {
            return (AccountTransaction) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{AccountTransaction.class}, (proxy, method, args) -> {
                        if (method.getName().equals("write") && ((ChangeSet) args[0]).entries().size() > 1
                                && failCombinedWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new IllegalStateException("injected: the database refused the write");
                        }
                        if (method.getName().equals("write") && severalAccounts
                                && ((ChangeSet) args[0]).account().accountId().equals(failAccount)
                                && failAccountWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new IllegalStateException("injected: the database refused the write of "
                                    + failAccount);
                        }
                        try {
                            return method.invoke(tx, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public dev.credits.Account insertAccountIfAbsent(dev.credits.Account account) {
            return delegate.insertAccountIfAbsent(account);
        }

        @Override
        public <T> T readAccount(String accountId, AccountWork<T> work) {
            return delegate.readAccount(accountId, work);
        }

        @Override
        public Optional<dev.credits.Account> findAccount(String accountId) {
            return delegate.findAccount(accountId);
        }

        @Override
        public Optional<String> findAccountOfTransaction(String transactionId) {
            return delegate.findAccountOfTransaction(transactionId);
        }

        @Override
        public Optional<String> findAccountOfHold(String holdId) {
            return delegate.findAccountOfHold(holdId);
        }

        @Override
        public Optional<String> findAccountOfPurchase(String purchaseId) {
            return delegate.findAccountOfPurchase(purchaseId);
        }

        @Override
        public List<String> findAccountsWithDueItems(Instant now, int limit) {
            return delegate.findAccountsWithDueItems(now, limit);
        }

        @Override
        public List<LedgerEntry> findEntries(String accountId, EntryQuery query) {
            return delegate.findEntries(accountId, query);
        }

        @Override
        public AccountLink insertAccountLinkIfAbsent(AccountLink link) {
            return delegate.insertAccountLinkIfAbsent(link);
        }

        @Override
        public Optional<AccountLink> findAccountLink(String reference) {
            return delegate.findAccountLink(reference);
        }

        @Override
        public CatalogStore catalog() {
            return delegate.catalog();
        }

        @Override
        public EventStore events() {
            return delegate.events();
        }

        @Override
        public dev.credits.spi.ReportStore reports() {
            return delegate.reports();
        }

        @Override
        public List<dev.credits.AuditRecord> findAuditRecords(dev.credits.spi.AuditQuery query) {
            return delegate.findAuditRecords(query);
        }

        @Override
        public List<dev.credits.ChargeDispute> findDisputes(dev.credits.spi.DisputeQuery query) {
            return delegate.findDisputes(query);
        }

        @Override
        public <T> T inAccounts(List<String> accountIds, dev.credits.spi.MultiAccountWork<T> work) {
            return delegate.inAccounts(accountIds, txs -> {
                units.incrementAndGet();
                boolean several = accountIds.size() > 1;
                if (several) {
                    multiAccountUnits.incrementAndGet();
                    mostMultiAccountRunning.accumulateAndGet(multiAccountRunning.incrementAndGet(), Math::max);
                }
                mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    pause();
                    return work.run(txs.stream().map(tx -> failing(tx, several)).toList());
                } finally {
                    running.decrementAndGet();
                    if (several) {
                        multiAccountRunning.decrementAndGet();
                    }
                }
            });
        }
    }

    @Test
    void aLedgerOnAnotherStoreNeverCombines() throws Exception {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        CreditLedger host = setUp(new InMemoryCreditStore(), true).withStore(store);
        host.openAccount(ACCOUNT);
        host.saveFeaturePricing(FeatureDefinition.of(FEATURE, "Image generation", 1));
        host.grant(GrantRequest.of(ACCOUNT, 1_000));
        int before = store.units.get();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<DeductionResult>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            results.add(pool.submit(() -> host.deductCredits(ACCOUNT, FEATURE)));
        }
        for (Future<DeductionResult> result : results) {
            assertTrue(result.get(60, TimeUnit.SECONDS).success());
        }
        pool.shutdown();
        assertEquals(before + 64, store.units.get(), "one unit of work per call: a joined transaction is the host's");
    }

    @Test
    void aLoneCallIsOneUnitOfWork() {
        SlowStore store = new SlowStore(new InMemoryCreditStore());
        CreditLedger ledger = setUp(store, true);
        int before = store.units.get();
        assertNull(ledger.deductCredits(ACCOUNT, FEATURE).reason());
        assertEquals(before + 1, store.units.get());
    }
}
