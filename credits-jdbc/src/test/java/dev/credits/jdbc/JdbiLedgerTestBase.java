package dev.credits.jdbc;

import dev.credits.AccountSettings;
import dev.credits.Balance;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.ExpiryReport;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.LotSource;
import dev.credits.PageRequest;
import dev.credits.RefundResult;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.StoreUnavailableException;
import dev.credits.spi.CreditStore;
import dev.credits.tck.LedgerInvariants;
import dev.credits.tck.MixedWorkload;
import dev.credits.testkit.InvariantChecker;
import dev.credits.testkit.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ledger-level tests of {@link JdbiCreditStore} that the TCK cannot express: several ledgers, each with its own
 * connection pool (as separate JVMs would have), on one database; and connections that fail in the middle of a
 * ledger call. Run on every database by a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbiLedgerTestBase {

    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private TestDatabase database;

    abstract TestDatabase createDatabase();

    TestDatabase database() {
        if (database == null) {
            database = createDatabase();
            database.builder(database.newPool(2)).build().installSchema();
        }
        return database;
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    /** @return threads of the cross-pool workload */
    int threads() {
        return 8;
    }

    /** @return operations per thread of the cross-pool workload */
    int operationsPerThread() {
        return 250;
    }

    private CreditLedger ledgerOnItsOwnPool(MutableClock clock, int poolSize) {
        JdbiCreditStore store = database().builder(database().newPool(poolSize)).build();
        return CreditLedger.builder().store(store).clock(clock).build();
    }

    /**
     * Two ledgers, each on its own store and connection pool, hammer one account with the TCK's mixed workload
     * (grants with replays, deductions, holds committed or released, refunds, reads, expiring lots and holds as
     * the clock moves); then the invariants hold exactly: balance = entries = live lots, available never below
     * minus the overdraft limit, idempotent replays, conservation.
     */
    @Test
    void twoLedgersOnTwoPoolsKeepTheInvariants() throws Exception {
        MutableClock clock = new MutableClock(START);
        int threads = threads();
        CreditLedger first = ledgerOnItsOwnPool(clock, threads / 2 + 2);
        CreditLedger second = ledgerOnItsOwnPool(clock, threads / 2 + 2);
        String accountId = "acct-" + UUID.randomUUID();
        long overdraftLimit = 25;
        first.openAccount(accountId, AccountSettings.DEFAULTS.withOverdraftLimit(overdraftLimit));
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<MixedWorkload.Feature> features = List.of(
                new MixedWorkload.Feature("image_" + suffix, 3, CreditLedger.DEFAULT_CREDIT_TYPE),
                new MixedWorkload.Feature("video_" + suffix, 11, CreditLedger.DEFAULT_CREDIT_TYPE),
                new MixedWorkload.Feature("voice_" + suffix, 2, "voice"));
        for (MixedWorkload.Feature feature : features) {
            first.saveFeaturePricing(FeatureDefinition.of(feature.featureKey(), feature.featureKey(),
                    feature.creditsPerUnit()).withCreditType(feature.creditType()));
        }
        first.grant(GrantRequest.of(accountId, 500).withSource(LotSource.PURCHASE));
        second.grant(GrantRequest.of(accountId, 100).withCreditType("voice"));

        MixedWorkload.Summary summary = new MixedWorkload(List.of(first, second), clock, accountId, features, threads,
                operationsPerThread(), overdraftLimit, true, 42).run();
        System.out.println(MixedWorkload.describe(database().dialect() + " two pools", summary));

        // Resolve what is still open (holds time out), then check from both ledgers.
        clock.advance(Duration.ofDays(2));
        LedgerInvariants.assertHold(first, accountId, overdraftLimit);
        LedgerInvariants.assertHold(second, accountId, overdraftLimit);
    }

    // ---------------------------------------------------------------- failures

    /** What a client can see of an account: balances (with their sequence) and the whole history. */
    record Seen(Balance credits, Balance voice, HistoryPage history) {
    }

    static Seen seen(CreditLedger ledger, String accountId) {
        return new Seen(ledger.balance(accountId), ledger.balance(accountId, "voice"),
                ledger.history(accountId, HistoryFilter.all(), PageRequest.first(500)));
    }

    /**
     * Runs {@code call} with the connection breaking (SQLState 08006) at its 1st, 2nd, ... statement until it
     * gets through: every failure is a StoreUnavailableException carrying the cause, and leaves balance, history
     * and sequence exactly as they were.
     *
     * @return how many statements the call took
     */
    int breakEveryStatementOf(CreditLedger ledger, FailingDataSource failing, String accountId,
                              Consumer<CreditLedger> call) {
        Seen before = seen(ledger, accountId);
        for (int position = 1; ; position++) {
            failing.failOnStatement(position, "08006", true);
            int failures = failing.failures();
            try {
                call.accept(ledger);
            } catch (StoreUnavailableException e) {
                failing.disarm();
                assertEquals(failures + 1, failing.failures(), "failed for another reason: " + e);
                assertTrue(JdbiStoreTestBase.hasCause(e, "08006"), "cause attached: " + e);
                assertEquals(before, seen(ledger, accountId), "ledger changed by a call that failed at statement "
                        + position);
                continue;
            }
            failing.disarm();
            if (database().flushesCommits() && failing.failures() == failures + 1) {
                // The failure hit the CHECKPOINT after the commit, which the store tries again on a fresh connection.
                return position - 1;
            }
            assertEquals(failures, failing.failures(), "a failure went unreported");
            return position - 1;
        }
    }

    @Test
    void aConnectionLostInTheMiddleOfACallLeavesTheLedgerAsItWas() {
        FailingDataSource failing = new FailingDataSource(database().newPool(3));
        MutableClock clock = new MutableClock(START);
        CreditLedger ledger = CreditLedger.builder().store(database().builder(failing).build()).clock(clock).build();
        String accountId = "acct-" + UUID.randomUUID();
        String feature = "image_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ledger.openAccount(accountId);
        ledger.saveFeaturePricing(FeatureDefinition.of(feature, "Image", 4));
        ledger.grant(GrantRequest.of(accountId, 30).withExpiresAt(START.plusSeconds(60)));
        ledger.grant(GrantRequest.of(accountId, 20).withSource(LotSource.PURCHASE));
        ledger.grant(GrantRequest.of(accountId, 5).withCreditType("voice"));

        int statements = breakEveryStatementOf(ledger, failing, accountId, l -> {
            DeductionResult result = l.deductCredits(DeductRequest.of(accountId, feature).withQuantity(3)
                    .withIdempotencyKey("deduct-1"));
            assertTrue(result.success());
        });
        // Pipelined: the snapshot, then the change set (with the COMMIT on PostgreSQL, before it on MariaDB);
        // elsewhere a statement per read and write.
        assertTrue(statements >= (database().pipelines() ? 2 : 4),
                "statements of a deduction: " + statements);
        assertEquals(38, ledger.balance(accountId).total());

        String deduction = ledger.history(accountId, HistoryFilter.all(), PageRequest.first(1)).entries().get(0)
                .transactionId();
        breakEveryStatementOf(ledger, failing, accountId, l -> {
            RefundResult refund = l.refundCredits(deduction, "failed job", "refund-1");
            assertEquals(12, refund.creditsRefunded());
        });
        breakEveryStatementOf(ledger, failing, accountId, l -> {
            ReservationResult hold = l.reserve(accountId, feature, 2, Duration.ofMinutes(5));
            assertTrue(hold.success());
        });
        clock.advance(Duration.ofMinutes(10)); // the hold and the 30-credit lot are due now
        breakEveryStatementOf(ledger, failing, accountId, l -> {
            ExpiryReport report = l.expireDue();
            assertEquals(1, report.lotsExpired());
            assertEquals(1, report.holdsExpired());
        });
        assertEquals(20, ledger.balance(accountId).total());
        LedgerInvariants.assertHold(ledger, accountId, 0);
    }

    // ---------------------------------------------------------------- write-combining: calls that join, interrupts, lock order

    /** The store, its batches' locking read ({@code snapshots}) taking {@code delayMillis} longer. */
    private static CreditStore slowSnapshots(JdbiCreditStore store, AtomicLong delayMillis) {
        return (CreditStore) Proxy.newProxyInstance(JdbiLedgerTestBase.class.getClassLoader(),
                new Class<?>[] {CreditStore.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(store, args);
                        if (method.getName().equals("snapshots") && delayMillis.get() > 0) {
                            Thread.sleep(delayMillis.get());
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * A batch reads the price with its accounts' snapshots; a price change (or a deactivation) that returned after
     * that read and before a call was made must be what the call sees, also when the call joins that batch late (the
     * catalog is not locked, so it is read again for the calls that join).
     */
    @Test
    void aCallThatJoinsABatchLateIsPricedAsOfItsOwnInstant() throws Exception {
        AtomicLong delay = new AtomicLong();
        CreditLedger ledger = CreditLedger.builder()
                .store(slowSnapshots(database().builder(database().newPool(6)).build(), delay)).build();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String feature = "late_" + suffix;
        String accountId = "late-" + suffix;
        ledger.saveFeaturePricing(FeatureDefinition.of(feature, "Late", 100));
        ledger.openAccount(accountId);
        ledger.grant(GrantRequest.of(accountId, 10_000));
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            delay.set(300);
            Future<DeductionResult> first = callers.submit(() -> ledger.deductCredits(DeductRequest.of(accountId,
                    feature)));
            Thread.sleep(100);   // the first call's batch has read the price, holds the account, and waits
            ledger.saveFeaturePricing(FeatureDefinition.of(feature, "Late", 200));
            Future<DeductionResult> second = callers.submit(() -> ledger.deductCredits(DeductRequest.of(accountId,
                    feature)));
            assertEquals(100, first.get(10, TimeUnit.SECONDS).unitPrice());
            assertEquals(200, second.get(10, TimeUnit.SECONDS).unitPrice(), "made after the change returned");

            first = callers.submit(() -> ledger.deductCredits(DeductRequest.of(accountId, feature)));
            Thread.sleep(100);
            ledger.deactivateFeaturePricing(feature);
            second = callers.submit(() -> ledger.deductCredits(DeductRequest.of(accountId, feature)));
            assertTrue(first.get(10, TimeUnit.SECONDS).success());
            assertEquals(RejectionReason.INACTIVE_FEATURE, second.get(10, TimeUnit.SECONDS).reason(),
                    "made after the deactivation returned");
        } finally {
            delay.set(0);
            callers.shutdownNow();
        }
        assertEquals(10_000 - 100 - 200 - 200, ledger.balance(accountId).available());
    }

    /**
     * Callers whose threads are interrupted (a request timeout, {@code Future.cancel(true)}) while their calls wait
     * may lead batches of other callers' calls: an interrupt is theirs alone, and no other caller's call fails of it.
     * The pool is smaller than the units in flight, so units wait for connections (which a pool refuses an
     * interrupted thread).
     */
    @Test
    void anInterruptedCallerFailsNoOtherCallersCall() throws Exception {
        // Embedded H2 reads and writes its file on the calling thread, where an interrupt closes H2's file channel:
        // the unit of work it interrupts fails, with the calls it runs (the README's "Write-combining" says so).
        assumeTrue(database().dialect() != Dialect.H2, "the database runs in the calling threads");
        JdbiCreditStore store = database().builder(database().newPool(2)).build();
        CreditLedger ledger = CreditLedger.builder().store(store).maxUnitsInFlight(4).build();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String feature = "interrupted_" + suffix;
        ledger.saveFeaturePricing(FeatureDefinition.of(feature, "Interrupted", 1));
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            accounts.add("int-" + i + "-" + suffix);
            ledger.openAccount(accounts.get(i));
            ledger.grant(GrantRequest.of(accounts.get(i), 100_000));
        }
        int threads = 24;
        int interrupted = 12;   // threads 0..11 are interrupted now and then; 12..23 never
        Thread[] workers = new Thread[threads];
        Queue<String> othersFailures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers[t] = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String accountId = accounts.get((thread + i) % accounts.size());
                    try {
                        DeductionResult result = ledger.deductCredits(DeductRequest.of(accountId, feature));
                        if (!result.success() && thread >= interrupted) {
                            othersFailures.add(accountId + ": " + result.reason());
                        }
                    } catch (RuntimeException e) {
                        if (thread >= interrupted) {
                            othersFailures.add(accountId + ": " + e);
                        }
                    }
                    Thread.interrupted();   // an interrupted caller clears its flag and goes on
                }
            });
            workers[t].start();
        }
        Random random = new Random(1);
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            workers[random.nextInt(interrupted)].interrupt();
            Thread.sleep(2);
        }
        stop.set(true);
        for (Thread worker : workers) {
            worker.join(60_000);
        }
        assertEquals(List.of(), List.copyOf(othersFailures), "calls of callers never interrupted");
        for (String accountId : accounts) {
            InvariantChecker.check(ledger, store, accountId);
        }
    }

    /**
     * Where a batch locks several organizations (one canonical order: root first), a ledger that has not met a pool's
     * member yet (a restart, another node) must not take it for a root and lock it before its pool: a transaction that
     * takes the pool, then the member, would deadlock with that batch.
     */
    @Test
    void aBatchTakesAMemberItHasNotMetAfterItsPool() throws Exception {
        DataSource pool = database().newPool(8);
        CreditLedger setUp = CreditLedger.builder().store(database().builder(pool).build()).build();
        assumeTrue(database().builder(pool).build().combinesAcrossAccounts(), "batches hold one organization here");
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String feature = "order_" + suffix;
        // Ids in this order, so that the member taken for a root would sort before its pool.
        String alone = "alone-" + suffix;
        String unmet = "member-a-" + suffix;
        String met = "member-b-" + suffix;
        String root = "pool-" + suffix;
        setUp.saveFeaturePricing(FeatureDefinition.of(feature, "Order", 1));
        for (String accountId : List.of(alone, root, met, unmet)) {
            setUp.openAccount(accountId);
        }
        setUp.grant(GrantRequest.of(alone, 100));
        setUp.grant(GrantRequest.of(root, 100));
        setUp.orgs().setParent(met, root);
        setUp.orgs().setParent(unmet, root);
        // A ledger that knows the pool of one member only; one unit of work in flight, so calls queue to share one.
        CreditLedger fresh = CreditLedger.builder().store(database().builder(database().newPool(6)).build())
                .maxUnitsInFlight(1).build();
        assertTrue(fresh.deductCredits(DeductRequest.of(met, feature)).success());
        String accountsTable = database().tablePrefix() + "accounts";
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (Connection holder = pool.getConnection(); Connection other = pool.getConnection()) {
            holder.setAutoCommit(false);
            other.setAutoCommit(false);
            lockRow(holder, accountsTable, alone);
            // The fresh ledger's one unit waits for the row held; two calls queue behind it and share the next unit.
            Future<DeductionResult> first = callers.submit(() -> fresh.deductCredits(DeductRequest.of(alone, feature)));
            Thread.sleep(300);
            Future<DeductionResult> onUnmet = callers.submit(() -> fresh.deductCredits(DeductRequest.of(unmet,
                    feature)));
            Future<DeductionResult> onMet = callers.submit(() -> fresh.deductCredits(DeductRequest.of(met, feature)));
            Thread.sleep(300);
            if (database().dialect() == Dialect.POSTGRESQL) {
                try (Statement statement = other.createStatement()) {
                    statement.execute("SET deadlock_timeout = '200ms'");
                }
            }
            lockRow(other, accountsTable, root);   // the pool first, as every unit of work takes it
            holder.rollback();                     // the shared unit starts: it must wait for the pool, holding nothing
            Thread.sleep(500);
            lockRow(other, accountsTable, unmet);  // then the member: no deadlock
            other.rollback();
            assertTrue(first.get(20, TimeUnit.SECONDS).success());
            assertTrue(onUnmet.get(20, TimeUnit.SECONDS).success());
            assertTrue(onMet.get(20, TimeUnit.SECONDS).success());
        } finally {
            callers.shutdownNow();
        }
    }

    private static void lockRow(Connection connection, String accountsTable, String accountId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT account_id FROM " + accountsTable
                + " WHERE account_id = ? FOR UPDATE")) {
            lock.setString(1, accountId);
            lock.executeQuery().close();
        }
    }
}
