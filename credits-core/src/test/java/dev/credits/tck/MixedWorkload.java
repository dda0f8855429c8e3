package dev.credits.tck;

import dev.credits.Balance;
import dev.credits.CheckResult;
import dev.credits.CommitResult;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.Hold;
import dev.credits.HoldStateException;
import dev.credits.HoldStatus;
import dev.credits.LedgerEntry;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.RefundLimitException;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.RejectionReason;
import dev.credits.ReleaseResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.testkit.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hammers one account from many threads with a random mix of grants (some replayed by idempotency key),
 * deductions, holds (committed in full, in part, by quantity, or released), refunds of earlier deductions and
 * reads, through one or more ledgers on one store. Every result is checked as it comes back (available never
 * below minus the overdraft limit, sequence numbers unique and increasing per thread), and at the end the
 * history is compared with what the results said happened. Combine with {@link LedgerInvariants}.
 *
 * <p>Not thread-safe itself: build one, {@link #run()} it once.
 */
public final class MixedWorkload {

    /** A feature the workload spends: its key, price and credit type. */
    public record Feature(String featureKey, long creditsPerUnit, String creditType) {
    }

    /** What a run did, counted from the results. */
    public record Summary(long operations, long grants, long replays, long deductions, long rejections,
                          long holds, long commits, long releases, long refunds, long refundLimits,
                          long expiredHolds, long reads, long clockMoves, long millis) {
    }

    private final List<CreditLedger> ledgers;
    private final MutableClock clock;
    private final String accountId;
    private final List<Feature> features;
    private final int threads;
    private final int operationsPerThread;
    private final long overdraftLimit;
    private final boolean movingClock;
    private final long seed;

    // Results, shared by the worker threads.
    private final Map<String, AtomicLong> granted = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> deducted = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refunded = new ConcurrentHashMap<>();
    private final Set<String> deductionIds = ConcurrentHashMap.newKeySet();
    private final Set<String> commitIds = ConcurrentHashMap.newKeySet();
    private final Set<String> grantIds = ConcurrentHashMap.newKeySet();
    private final Set<String> refundIds = ConcurrentHashMap.newKeySet();
    private final Set<Long> sequences = ConcurrentHashMap.newKeySet();
    private final List<String> refundable = new ArrayList<>();
    private final Map<String, String> creditTypeOfFeature = new HashMap<>();

    /**
     * @param ledgers             ledgers on one store, sharing {@code clock}; each operation picks one at random
     * @param clock               their clock
     * @param accountId           an open account with {@code overdraftLimit}, active
     * @param features            active features with a price of at least 1
     * @param threads             worker threads
     * @param operationsPerThread operations each worker runs
     * @param overdraftLimit      the account's overdraft limit
     * @param movingClock         whether one worker moves the clock forward now and then (lots and holds expire
     *                            during the run); otherwise the clock stands still
     * @param seed                the random seed (each worker derives its own)
     */
    public MixedWorkload(List<CreditLedger> ledgers, MutableClock clock, String accountId, List<Feature> features,
                         int threads, int operationsPerThread, long overdraftLimit, boolean movingClock,
                         long seed) {
        this.ledgers = List.copyOf(ledgers);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.features = List.copyOf(features);
        this.threads = threads;
        this.operationsPerThread = operationsPerThread;
        this.overdraftLimit = overdraftLimit;
        this.movingClock = movingClock;
        this.seed = seed;
        for (Feature feature : features) {
            creditTypeOfFeature.put(feature.featureKey(), feature.creditType());
        }
    }

    /**
     * Runs the workload, then asserts that the history holds exactly the effects the results reported.
     *
     * @return what happened
     */
    public Summary run() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> futures = new ArrayList<>();
        long began = System.nanoTime();
        try {
            for (int t = 0; t < threads; t++) {
                int threadIndex = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    return work(threadIndex);
                }));
            }
            start.countDown();
            long[] counts = new long[12];
            for (int t = 0; t < futures.size(); t++) {
                long[] threadCounts;
                try {
                    threadCounts = futures.get(t).get(10, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new AssertionError("worker " + t + " failed: " + cause, cause);
                } catch (TimeoutException e) {
                    throw new AssertionError("worker " + t + " did not finish in 10 minutes", e);
                }
                for (int i = 0; i < counts.length; i++) {
                    counts[i] += threadCounts[i];
                }
            }
            long millis = (System.nanoTime() - began) / 1_000_000;
            long operations = (long) threads * operationsPerThread;
            verifyHistory();
            return new Summary(operations, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
                    counts[6], counts[7], counts[8], counts[9], counts[10], counts[11], millis);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private long[] work(int threadIndex) {
        SplittableRandom random = new SplittableRandom(seed * 31 + threadIndex);
        long[] counts = new long[12];
        long[] lastSequence = {-1};
        GrantRequest lastKeyed = null;
        GrantResult lastKeyedResult = null;
        for (int i = 0; i < operationsPerThread; i++) {
            CreditLedger ledger = ledgers.get(random.nextInt(ledgers.size()));
            int dice = random.nextInt(100);
            String where = "thread " + threadIndex + " op " + i + ": ";
            if (dice < 14) {
                GrantRequest request = randomGrant(random, threadIndex, i);
                GrantResult result = ledger.grant(request);
                assertFalse(result.replayed(), where + "fresh grant reported as replayed");
                assertEquals(request.amount(), result.lot().amount(), where + "lot amount");
                assertTrue(result.debtPaid() >= 0 && result.debtPaid() <= request.amount(), where + "debt paid");
                assertEquals(request.amount() - result.debtPaid(), result.lot().remaining(), where + "lot remaining");
                advanced(result.sequence(), lastSequence, where + "grant");
                granted.computeIfAbsent(request.creditType(), type -> new AtomicLong()).addAndGet(request.amount());
                assertTrue(grantIds.add(result.transactionId()), where + "grant id reused");
                counts[0]++;
                if (request.idempotencyKey() != null) {
                    lastKeyed = request;
                    lastKeyedResult = result;
                }
            } else if (dice < 16 && lastKeyed != null && (!movingClock || lastKeyed.expiresAt() == null)) {
                GrantResult replay = ledger.grant(lastKeyed);
                assertTrue(replay.replayed(), where + "replayed grant not marked replayed");
                assertEquals(lastKeyedResult.transactionId(), replay.transactionId(), where + "replay id");
                assertEquals(lastKeyedResult.lot().lotId(), replay.lot().lotId(), where + "replay lot");
                counts[1]++;
            } else if (dice < 46) {
                Feature feature = features.get(random.nextInt(features.size()));
                DeductRequest request = DeductRequest.of(accountId, feature.featureKey())
                        .withQuantity(1 + random.nextInt(3))
                        .withUserId("user_" + random.nextInt(5));
                if (random.nextInt(10) == 0) {
                    request = request.withIdempotencyKey("d-" + seed + "-" + threadIndex + "-" + i);
                }
                DeductionResult result = ledger.deductCredits(request);
                assertTrue(result.remainingCredits() >= -overdraftLimit,
                        where + "deduction left " + result.remainingCredits());
                assertTrue(result.available() >= -overdraftLimit, where + "deduction saw " + result.available());
                assertFalse(result.replayed(), where + "fresh deduction replayed");
                if (result.success()) {
                    assertEquals(feature.creditsPerUnit() * request.quantity(), result.creditsDeducted(), where);
                    assertEquals(result.available() - result.creditsDeducted(), result.remainingCredits(),
                            where + "deduction arithmetic");
                    advanced(result.sequence(), lastSequence, where + "deduction");
                    deducted.computeIfAbsent(feature.creditType(), type -> new AtomicLong())
                            .addAndGet(result.creditsDeducted());
                    assertTrue(deductionIds.add(result.transactionId()), where + "deduction id reused");
                    addRefundable(result.transactionId());
                    counts[2]++;
                } else {
                    assertEquals(RejectionReason.INSUFFICIENT_CREDITS, result.reason(), where);
                    assertEquals(null, result.transactionId(), where + "rejection with a transaction id");
                    assertTrue(result.available() - result.required() < -overdraftLimit,
                            where + "rejected although affordable: " + result);
                    seen(result.sequence(), lastSequence, where + "rejected deduction");
                    counts[3]++;
                }
            } else if (dice < 72) {
                hold(ledger, random, where, lastSequence, counts);
            } else if (dice < 86) {
                refund(ledger, random, where, lastSequence, counts, threadIndex, i);
            } else if (dice < 89 && movingClock && threadIndex == 0) {
                clock.advance(Duration.ofSeconds(1 + random.nextInt(30)));
                counts[11]++;
            } else {
                Feature feature = features.get(random.nextInt(features.size()));
                if (random.nextBoolean()) {
                    Balance balance = ledger.balance(accountId, feature.creditType());
                    assertEquals(balance.total() - balance.held(), balance.available(), where + "balance read");
                    assertTrue(balance.available() >= -overdraftLimit, where + "balance read " + balance.available());
                    assertTrue(balance.held() >= 0, where + "negative held");
                    seen(balance.sequence(), lastSequence, where + "balance read");
                } else {
                    CheckResult check = ledger.checkCredits(accountId, feature.featureKey(), 1 + random.nextInt(3));
                    assertTrue(check.available() >= -overdraftLimit, where + "check read " + check.available());
                    assertEquals(check.available() - check.required() >= -overdraftLimit, check.hasEnough(),
                            where + "check verdict " + check);
                    seen(check.sequence(), lastSequence, where + "check");
                }
                counts[10]++;
            }
        }
        return counts;
    }

    private GrantRequest randomGrant(SplittableRandom random, int threadIndex, int i) {
        String creditType = features.get(random.nextInt(features.size())).creditType();
        LotSource[] sources = {LotSource.PURCHASE, LotSource.SUBSCRIPTION, LotSource.PROMOTION, LotSource.ADMIN,
                LotSource.TRANSFER};
        int[] priorities = {0, 50, GrantRequest.DEFAULT_PRIORITY};
        GrantRequest request = GrantRequest.of(accountId, 1 + random.nextInt(40))
                .withCreditType(creditType)
                .withSource(sources[random.nextInt(sources.length)])
                .withPriority(priorities[random.nextInt(priorities.length)]);
        int expiry = random.nextInt(10);
        Instant now = clock.instant();
        if (movingClock && expiry < 5) {
            // Long enough that the clock (moved at most 30 s at a time by one thread) cannot pass it in flight.
            request = request.withExpiresAt(now.plusSeconds(600 + random.nextInt(3000)));
        } else if (!movingClock && expiry < 3) {
            request = request.withExpiresAt(now.plus(Duration.ofDays(30 + random.nextInt(300))));
        }
        if (random.nextInt(5) == 0) {
            request = request.withMoneyPaid(Money.of(random.nextInt(3) + ".99", "USD"));
        }
        if (random.nextInt(3) == 0) {
            request = request.withIdempotencyKey("g-" + seed + "-" + threadIndex + "-" + i);
        }
        return request;
    }

    private void hold(CreditLedger ledger, SplittableRandom random, String where, long[] lastSequence,
                      long[] counts) {
        Feature feature = features.get(random.nextInt(features.size()));
        long quantity = 1 + random.nextInt(3);
        ReserveRequest request = ReserveRequest.of(accountId, feature.featureKey()).withQuantity(quantity);
        boolean shortTimeout = movingClock && random.nextInt(10) == 0;
        if (shortTimeout) {
            request = request.withTimeout(Duration.ofSeconds(1 + random.nextInt(20)));
        }
        ReservationResult reservation = ledger.reserve(request);
        assertTrue(reservation.available() >= -overdraftLimit, where + "reserve left " + reservation.available());
        if (!reservation.success()) {
            assertEquals(RejectionReason.INSUFFICIENT_CREDITS, reservation.reason(), where);
            seen(reservation.sequence(), lastSequence, where + "rejected reservation");
            counts[3]++;
            return;
        }
        advanced(reservation.sequence(), lastSequence, where + "reservation");
        Hold hold = reservation.hold();
        assertEquals(HoldStatus.OPEN, hold.status(), where);
        assertEquals(feature.creditsPerUnit() * quantity, hold.amount(), where + "hold amount");
        counts[4]++;
        int choice = random.nextInt(100);
        try {
            if (choice < 25) {
                ReleaseResult release = ledger.release(hold.holdId());
                assertTrue(release.remainingCredits() >= -overdraftLimit, where + "release left");
                if (release.hold().status() == HoldStatus.RELEASED) {
                    assertEquals(hold.amount(), release.creditsReleased(), where + "released");
                    advanced(release.sequence(), lastSequence, where + "release");
                } else {
                    assertTrue(shortTimeout && release.hold().status() == HoldStatus.EXPIRED,
                            where + "release ended " + release.hold().status());
                    seen(release.sequence(), lastSequence, where + "release of expired hold");
                    counts[9]++;
                }
                counts[6]++;
                return;
            }
            CommitResult commit;
            long expectedCharge;
            if (choice < 65) {
                commit = ledger.commit(hold.holdId());
                expectedCharge = hold.amount();
            } else if (choice < 85) {
                expectedCharge = 1 + random.nextLong(hold.amount());
                commit = ledger.commit(hold.holdId(), expectedCharge);
            } else {
                long committedQuantity = 1 + random.nextLong(quantity);
                commit = ledger.commitQuantity(hold.holdId(), committedQuantity);
                expectedCharge = committedQuantity * hold.unitPrice();
            }
            assertEquals(expectedCharge, commit.creditsCharged(), where + "charged");
            assertEquals(hold.amount() - expectedCharge, commit.creditsReleased(), where + "released by commit");
            assertEquals(HoldStatus.COMMITTED, commit.hold().status(), where);
            assertTrue(commit.remainingCredits() >= -overdraftLimit, where + "commit left " + commit.remainingCredits());
            assertNotNull(commit.transactionId(), where + "commit without transaction");
            advanced(commit.sequence(), lastSequence, where + "commit");
            deducted.computeIfAbsent(feature.creditType(), type -> new AtomicLong()).addAndGet(expectedCharge);
            assertTrue(commitIds.add(commit.transactionId()), where + "commit id reused");
            addRefundable(commit.transactionId());
            counts[5]++;
        } catch (HoldStateException e) {
            if (!shortTimeout || e.status() != HoldStatus.EXPIRED) {
                throw e;
            }
            counts[9]++;
        }
    }

    private void refund(CreditLedger ledger, SplittableRandom random, String where, long[] lastSequence,
                        long[] counts, int threadIndex, int i) {
        String transactionId;
        synchronized (refundable) {
            if (refundable.isEmpty()) {
                return;
            }
            transactionId = refundable.get(random.nextInt(refundable.size()));
        }
        RefundRequest request = RefundRequest.of(transactionId).withReason("workload");
        if (random.nextBoolean()) {
            request = request.withCredits(1 + random.nextInt(4));
        }
        if (random.nextInt(4) == 0) {
            request = request.withIdempotencyKey("r-" + seed + "-" + threadIndex + "-" + i);
        }
        try {
            RefundResult result = ledger.refundCredits(request);
            assertFalse(result.replayed(), where + "fresh refund replayed");
            assertTrue(result.creditsRefunded() > 0, where + "empty refund");
            if (request.credits() > 0) {
                assertEquals(request.credits(), result.creditsRefunded(), where + "partial refund amount");
            }
            assertTrue(result.totalRefunded() >= result.creditsRefunded(), where + "total refunded");
            assertEquals(transactionId, result.originalTransactionId(), where);
            assertTrue(result.remainingCredits() >= -overdraftLimit, where + "refund left");
            advanced(result.sequence(), lastSequence, where + "refund");
            String creditType = creditTypeOf(transactionId);
            refunded.computeIfAbsent(creditType, type -> new AtomicLong()).addAndGet(result.creditsRefunded());
            assertTrue(refundIds.add(result.transactionId()), where + "refund id reused");
            counts[7]++;
        } catch (RefundLimitException e) {
            assertTrue(e.requested() > e.refundable() || e.refundable() == 0, where + "refund limit " + e);
            counts[8]++;
        }
    }

    private final Map<String, String> creditTypeOfTransaction = new ConcurrentHashMap<>();

    private void addRefundable(String transactionId) {
        synchronized (refundable) {
            refundable.add(transactionId);
        }
    }

    private String creditTypeOf(String transactionId) {
        return creditTypeOfTransaction.computeIfAbsent(transactionId,
                id -> ledgers.get(0).receipt(id).entry().creditType());
    }

    private void advanced(long sequence, long[] lastSequence, String what) {
        assertTrue(sequence > lastSequence[0], what + ": sequence " + sequence + " not after " + lastSequence[0]);
        lastSequence[0] = sequence;
        assertTrue(sequences.add(sequence), what + ": sequence " + sequence + " reported by two changes");
    }

    private static void seen(long sequence, long[] lastSequence, String what) {
        assertTrue(sequence >= lastSequence[0],
                what + ": read sequence " + sequence + " older than this thread's last change " + lastSequence[0]);
    }

    private void verifyHistory() {
        List<LedgerEntry> entries = LedgerInvariants.allEntries(ledgers.get(0), accountId);
        Map<String, Long> grantSums = new HashMap<>();
        Map<String, Long> deductionSums = new HashMap<>();
        Map<String, Long> refundSums = new HashMap<>();
        Set<String> grantsSeen = new HashSet<>();
        Set<String> deductionsSeen = new HashSet<>();
        Set<String> refundsSeen = new HashSet<>();
        for (LedgerEntry entry : entries) {
            switch (entry.type()) {
                case GRANT -> {
                    if (grantIds.contains(entry.transactionId())) {
                        grantSums.merge(entry.creditType(), entry.amount(), Long::sum);
                        grantsSeen.add(entry.transactionId());
                    }
                }
                case DEDUCTION -> {
                    deductionSums.merge(entry.creditType(), -entry.amount(), Long::sum);
                    deductionsSeen.add(entry.transactionId());
                    if (commitIds.contains(entry.transactionId())) {
                        assertNotNull(entry.holdId(), "commit entry without hold id: " + entry);
                    } else {
                        assertEquals(null, entry.holdId(), "direct deduction with a hold id: " + entry);
                    }
                }
                case REFUND -> {
                    refundSums.merge(entry.creditType(), entry.amount(), Long::sum);
                    refundsSeen.add(entry.transactionId());
                }
                case EXPIRY -> assertTrue(movingClock, "expiry entry although the clock stood still: " + entry);
                default -> fail("unexpected entry " + entry);
            }
        }
        assertEquals(grantIds, grantsSeen, "grant entries differ from successful grants");
        Set<String> spent = new HashSet<>(deductionIds);
        spent.addAll(commitIds);
        assertEquals(spent, deductionsSeen, "deduction entries differ from successful deductions and commits");
        assertEquals(refundIds, refundsSeen, "refund entries differ from successful refunds");
        assertEquals(sums(granted), grantSums, "granted credits per type");
        assertEquals(sums(deducted), withoutZeros(deductionSums), "deducted credits per type");
        assertEquals(sums(refunded), refundSums, "refunded credits per type");
    }

    private static Map<String, Long> sums(Map<String, AtomicLong> counters) {
        Map<String, Long> sums = new HashMap<>();
        counters.forEach((type, counter) -> {
            if (counter.get() != 0) {
                sums.put(type, counter.get());
            }
        });
        return sums;
    }

    private static Map<String, Long> withoutZeros(Map<String, Long> sums) {
        Map<String, Long> result = new HashMap<>(sums);
        result.values().removeIf(value -> value == 0);
        return result;
    }

    /** @return a one-line description of a run, for the test log */
    public static String describe(String name, Summary summary) {
        return String.format("%s: %d operations in %d ms (%d grants, %d replays, %d deductions, %d rejections, "
                        + "%d holds -> %d commits + %d releases, %d expired holds, %d refunds, %d refund limits, "
                        + "%d reads, %d clock moves)",
                name, summary.operations(), summary.millis(), summary.grants(), summary.replays(),
                summary.deductions(), summary.rejections(), summary.holds(), summary.commits(), summary.releases(),
                summary.expiredHolds(), summary.refunds(), summary.refundLimits(), summary.reads(),
                summary.clockMoves());
    }
}
