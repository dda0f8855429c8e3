package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.CreditLedger;
import dev.credits.DeductionResult;
import dev.credits.GrantRequest;
import dev.credits.RejectionReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 15 and invariant 2: many threads (and several ledgers) on one account never break the invariants.
 * Sized by {@code concurrencyThreads()} x {@code concurrencyOperationsPerThread()} of {@link CreditStoreContract}.
 */
public interface ConcurrencyContract extends ContractFixture {

    /**
     * Opens an account with the overdraft limit, a starting balance and four features (three priced in
     * "credits", one in "voice"), runs the mixed workload on it, prints what it did, then checks every invariant.
     */
    private void runAndCheck(String name, List<CreditLedger> ledgers, long overdraftLimit, boolean movingClock,
                             long seed) throws InterruptedException {
        String accountId = newAccountId();
        ledger().openAccount(accountId, AccountSettings.DEFAULTS.withOverdraftLimit(overdraftLimit));
        grant(accountId, 200);
        ledger().grant(GrantRequest.of(accountId, 50).withCreditType("voice"));
        List<MixedWorkload.Feature> features = List.of(
                new MixedWorkload.Feature(feature("text", 1), 1, "credits"),
                new MixedWorkload.Feature(feature("image", 3), 3, "credits"),
                new MixedWorkload.Feature(feature("video", 7), 7, "credits"),
                new MixedWorkload.Feature(feature("call", 2, "voice"), 2, "voice"));
        WorkloadSize size = workloadSize();
        MixedWorkload workload = new MixedWorkload(ledgers, clock(), accountId, features, size.threads(),
                size.operationsPerThread(), overdraftLimit, movingClock, seed);

        MixedWorkload.Summary summary = workload.run();

        System.out.println(MixedWorkload.describe(name, summary));
        assertEquals((long) size.threads() * size.operationsPerThread(), summary.operations());
        assertTrue(summary.deductions() > 0 && summary.commits() > 0 && summary.refunds() > 0,
                () -> "the workload did not exercise the ledger: " + summary);
        LedgerInvariants.assertHold(ledger(), accountId, overdraftLimit);
        LedgerInvariants.assertNothingHeld(ledger(), accountId);
    }

    @Test
    default void mixedWorkloadOnOneAccountKeepsTheInvariants() throws InterruptedException {
        runAndCheck("one ledger, still clock, no overdraft", List.of(ledger()), 0, false, 42);
    }

    @Test
    default void mixedWorkloadWithOverdraftAndAMovingClockKeepsTheInvariants() throws InterruptedException {
        runAndCheck("one ledger, moving clock, overdraft 25", List.of(ledger()), 25, true, 7);
    }

    @Test
    default void mixedWorkloadThroughTwoLedgersOnOneStoreKeepsTheInvariants() throws InterruptedException {
        runAndCheck("two ledgers, still clock, overdraft 10", List.of(ledger(), newLedger()), 10, false, 99);
    }

    @Test
    default void concurrentDeductionsNeverSpendBeyondTheOverdraftLimit() throws Exception {
        String accountId = openAccountWithOverdraft(20);
        grant(accountId, 100);
        String key = feature("unit", 1);
        int threads = workloadSize().threads();
        int perThread = 150 / threads + 10;
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<DeductionResult> results = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<DeductionResult>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                CreditLedger ledger = ledgers.get(t % ledgers.size());
                futures.add(pool.submit(() -> {
                    start.await();
                    List<DeductionResult> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(ledger.deductCredits(accountId, key));
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<DeductionResult>> future : futures) {
                results.addAll(future.get(5, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }

        long succeeded = results.stream().filter(DeductionResult::success).count();
        assertEquals(Math.min(120, (long) threads * perThread), succeeded);
        assertTrue(results.stream().filter(result -> !result.success())
                .allMatch(result -> result.reason() == RejectionReason.INSUFFICIENT_CREDITS));
        assertEquals(Math.max(-20, 100 - (long) threads * perThread), available(accountId));
        assertInvariants(accountId);
    }
}
