package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.GrantRequest;
import dev.credits.RejectionReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        List<DeductionResult> results = onThreads(threads, List.of(ledger(), newLedger()), (ledger, thread) -> {
            List<DeductionResult> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(ledger.deductCredits(accountId, key));
            }
            return mine;
        });

        long succeeded = results.stream().filter(DeductionResult::success).count();
        assertEquals(Math.min(120, (long) threads * perThread), succeeded);
        assertTrue(results.stream().filter(result -> !result.success())
                .allMatch(result -> result.reason() == RejectionReason.INSUFFICIENT_CREDITS));
        assertEquals(Math.max(-20, 100 - (long) threads * perThread), available(accountId));
        assertInvariants(accountId);
    }

    /**
     * Concurrent calls on many accounts (which a ledger may run together in one unit of work): each account gets
     * exactly the outcome of its own calls, a rejection on one never touches another, replays answer as before, and
     * every account keeps the invariants.
     */
    @Test
    default void concurrentCallsOnManyAccountsEachGetTheirOwnOutcome() throws Exception {
        String prefix = newAccountId() + "_";
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            accounts.add(prefix + i);
            ledger().openAccount(prefix + i);
            grant(prefix + i, 20);
        }
        String key = feature("unit", 1);
        int threads = workloadSize().threads();
        // Ledgers that combine calls on different accounts as soon as two units of work are in flight (on a store
        // that combines across accounts; elsewhere a batch holds one account's calls and the others do not wait).
        List<CreditLedger> ledgers = List.of(newLedger(b -> b.maxUnitsInFlight(1)),
                newLedger(b -> b.maxUnitsInFlight(2)));
        List<Map.Entry<String, DeductionResult>> results = onThreads(threads, ledgers, (ledger, thread) -> {
            List<Map.Entry<String, DeductionResult>> mine = new ArrayList<>();
            Random random = new Random(thread);
            for (int i = 0; i < 240 / threads + 5; i++) {
                String account = accounts.get(random.nextInt(accounts.size()));
                DeductRequest request = DeductRequest.of(account, key);
                if (random.nextInt(4) == 0) {
                    request = request.withIdempotencyKey("k" + random.nextInt(3));
                }
                mine.add(Map.entry(account, ledger.deductCredits(request)));
            }
            return mine;
        });

        for (String account : accounts) {
            List<DeductionResult> own = results.stream().filter(r -> r.getKey().equals(account))
                    .map(Map.Entry::getValue).toList();
            long deducted = own.stream().filter(r -> r.success() && !r.replayed()).count();
            assertTrue(deducted <= 20, account);
            assertEquals(20 - deducted, available(account), account);
            if (own.stream().anyMatch(r -> !r.success())) {
                assertEquals(20, deducted, "rejected only once its own credits were gone: " + account);
            }
            assertTrue(own.stream().allMatch(r -> r.success() || r.reason() == RejectionReason.INSUFFICIENT_CREDITS),
                    account);
            assertInvariants(account);
        }
    }

    /**
     * Concurrent deductions of a pool's members (which a ledger may run together with each other and the pool's
     * own): the pool pays for exactly the deductions that succeeded, no more than it has, and every account keeps the
     * invariants.
     */
    @Test
    default void concurrentMemberDeductionsDrawOnTheirPoolExactly() throws Exception {
        String poolId = openAccount();
        grant(poolId, 100);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String member = openAccount();
            ledger().orgs().setParent(member, poolId);
            members.add(member);
        }
        String key = feature("unit", 1);
        int threads = workloadSize().threads();
        int perThread = 160 / threads + 5;
        List<CreditLedger> ledgers = List.of(newLedger(b -> b.maxUnitsInFlight(1)), ledger());
        List<DeductionResult> results = onThreads(threads, ledgers, (ledger, thread) -> {
            List<DeductionResult> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                String account = i % 10 == 9 ? poolId : members.get((thread + i) % members.size());
                mine.add(ledger.deductCredits(account, key));
            }
            return mine;
        });

        long succeeded = results.stream().filter(DeductionResult::success).count();
        assertEquals(Math.min(100, results.size()), succeeded);
        assertTrue(results.stream().filter(result -> !result.success())
                .allMatch(result -> result.reason() == RejectionReason.INSUFFICIENT_CREDITS));
        assertEquals(100 - succeeded, available(poolId));
        assertInvariants(poolId);
        for (String member : members) {
            assertEquals(0, available(member), member);
            assertInvariants(member);
        }
    }

    /** What one thread does, on its ledger: @return what its calls returned */
    interface ThreadCalls<R> {
        List<R> run(CreditLedger ledger, int thread) throws Exception;
    }

    /**
     * Runs {@code calls} on {@code threads} threads started together, thread t on ledger t modulo their number.
     *
     * @return every thread's results
     */
    private static <R> List<R> onThreads(int threads, List<CreditLedger> ledgers, ThreadCalls<R> calls)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<R> results = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<R>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                CreditLedger ledger = ledgers.get(t % ledgers.size());
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    return calls.run(ledger, thread);
                }));
            }
            start.countDown();
            for (Future<List<R>> future : futures) {
                results.addAll(future.get(5, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }
}
