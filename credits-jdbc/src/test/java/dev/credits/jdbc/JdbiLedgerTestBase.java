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
import dev.credits.ReservationResult;
import dev.credits.StoreUnavailableException;
import dev.credits.tck.LedgerInvariants;
import dev.credits.tck.MixedWorkload;
import dev.credits.testkit.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
