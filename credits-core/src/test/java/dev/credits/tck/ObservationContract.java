package dev.credits.tck;

import dev.credits.CreditLedger;
import dev.credits.DeductionResult;
import dev.credits.LedgerCall;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.UnknownAccountException;
import dev.credits.testkit.InvariantChecker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Observation and health: a {@link dev.credits.LedgerObserver} hears every public call once, with its account,
 * outcome and duration, and cannot change what a call returns; {@link dev.credits.spi.CreditStore#ping()} answers on
 * a working store; {@link InvariantChecker} reads and writes nothing.
 */
public interface ObservationContract extends ContractFixture {

    @Test
    default void anObserverHearsSuccessRejectionAndFailureOfEachCallOnce() {
        List<LedgerCall> calls = new CopyOnWriteArrayList<>();
        CreditLedger observed = newLedger(builder -> builder.observer(calls::add));
        String accountId = openFunded(10);
        String feature = feature("observed", 4);

        DeductionResult ok = observed.deductCredits(accountId, feature);
        assertTrue(ok.success());
        observed.deductCredits(accountId, feature);
        DeductionResult shortOfCredits = observed.deductCredits(accountId, feature);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, shortOfCredits.reason());
        String unknown = newAccountId();
        assertThrows(UnknownAccountException.class, () -> observed.deductCredits(unknown, feature));

        assertEquals(4, calls.size(), "one report per public call, the overload included once: " + calls);
        LedgerCall first = calls.get(0);
        assertEquals("deductCredits", first.name());
        assertEquals(accountId, first.accountId());
        assertEquals(LedgerCall.Outcome.SUCCESS, first.outcome());
        assertNull(first.rejection());
        assertNull(first.failure());
        assertTrue(first.durationNanos() >= 0);
        LedgerCall rejected = calls.get(2);
        assertEquals(LedgerCall.Outcome.REJECTED, rejected.outcome());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, rejected.rejection());
        LedgerCall failed = calls.get(3);
        assertEquals(LedgerCall.Outcome.FAILED, failed.outcome());
        assertEquals(unknown, failed.accountId());
        assertInstanceOf(UnknownAccountException.class, failed.failure());
    }

    @Test
    default void callsByHoldIdNameTheAccountAndAreasPrefixTheirCalls() {
        List<LedgerCall> calls = new CopyOnWriteArrayList<>();
        CreditLedger observed = newLedger(builder -> builder.observer(calls::add));
        String accountId = openFunded(10);
        String feature = feature("held", 3);
        ReservationResult held = observed.reserve(accountId, feature, 1, Duration.ofMinutes(1));
        observed.commit(held.hold().holdId());
        observed.commerce().listPackages();
        observed.plans().listPlans();
        observed.events().latestPosition();
        observed.inspection().openHolds(accountId);
        observed.inspection().changesSince(accountId, 0);

        assertEquals(List.of("reserve", "commit", "commerce.listPackages", "plans.listPlans", "events.latestPosition",
                        "inspection.openHolds", "inspection.changesSince"),
                calls.stream().map(LedgerCall::name).toList());
        assertEquals(accountId, calls.get(1).accountId(), "the commit's result names the account");
        assertNull(calls.get(2).accountId());
        assertEquals(accountId, calls.get(5).accountId());
    }

    @Test
    default void anObserverThatThrowsChangesNothingTheCallReturns() {
        CreditLedger observed = newLedger(builder -> builder.observer(call -> {
            throw new IllegalStateException("observer bug");
        }));
        String accountId = openFunded(10);
        String feature = feature("unobserved", 4);
        DeductionResult result = observed.deductCredits(accountId, feature);
        assertTrue(result.success());
        assertEquals(6, available(accountId));
    }

    @Test
    default void aWorkingStoreAnswersPing() {
        store().ping();
    }

    @Test
    default void theInvariantCheckerWritesNothingEvenWithCreditsPastTheirExpiry() {
        String accountId = openAccount();
        Instant expiry = now().plus(Duration.ofDays(1));
        grantExpiring(accountId, 7, expiry);
        grant(accountId, 5);
        deductOk(accountId, feature("checked", 2), 2);
        advance(Duration.ofDays(2));
        long sequence = store().findAccount(accountId).orElseThrow().sequence();
        int entries = entries(accountId).size();

        InvariantChecker.check(ledger(), store(), accountId);

        assertEquals(sequence, store().findAccount(accountId).orElseThrow().sequence(), "the check wrote");
        assertEquals(entries, entries(accountId).size(), "the check swept");
        ledger().expireDue();
        InvariantChecker.check(ledger(), store(), accountId);
    }
}
