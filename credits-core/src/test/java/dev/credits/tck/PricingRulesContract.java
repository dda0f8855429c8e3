package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.CheckResult;
import dev.credits.CommitResult;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.Hold;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-plan prices, free retries of a deduction, and the limit on open holds of an account. */
public interface PricingRulesContract extends CommerceFixture {

    /** @return the key of a new "virtual staging" feature: 10 credits, 8 on {@code planId} */
    private String staging(String planId) {
        String key = newFeatureKey("virtual_staging");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Virtual staging", 10).withPlanPrice(planId, 8));
        return key;
    }

    /** @return the key of a new "empty-room generation" feature: 10 credits, 2 free retries */
    private String emptyRoom() {
        String key = newFeatureKey("empty_room_generation");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Empty-room generation", 10).withFreeRetries(2));
        return key;
    }

    /** @return a funded account on {@code planId} */
    private String fundedOnPlan(String planId, long credits) {
        String accountId = openFunded(credits);
        ledger().plans().assignPlan(accountId, planId);
        return accountId;
    }

    private DeductionResult retry(String accountId, String featureKey, String retryOf) {
        DeductionResult result = ledger().deductCredits(DeductRequest.of(accountId, featureKey).withRetryOf(retryOf));
        assertTrue(result.success(), () -> "retry expected to succeed: " + result);
        return result;
    }

    // ---------------------------------------------------------------- per-plan prices

    @Test
    default void anAccountOnAPlanWithItsOwnPricePaysIt() {
        PlanIds plans = plans();
        String key = staging(plans.professional());
        String professional = fundedOnPlan(plans.professional(), 100);
        String starter = fundedOnPlan(plans.starter(), 100);
        String noPlan = openFunded(100);

        DeductionResult onPlan = deductOk(professional, key, 1);
        DeductionResult otherPlan = deductOk(starter, key, 1);
        DeductionResult without = deductOk(noPlan, key, 1);

        assertEquals(8, onPlan.unitPrice());
        assertEquals(8, onPlan.creditsDeducted());
        assertEquals(plans.professional(), onPlan.pricePlanId());
        assertEquals(92, available(professional));
        assertEquals(10, otherPlan.unitPrice());
        assertNull(otherPlan.pricePlanId());
        assertEquals(10, without.unitPrice());
        assertNull(without.pricePlanId());
        LedgerEntry entry = ledger().receipt(onPlan.transactionId()).entry();
        assertEquals(plans.professional(), entry.pricePlanId());
        assertEquals(8, entry.unitPrice());
        assertEquals(-8, entry.amount());
        assertEquals(entry, entries(professional).get(0));
        assertNull(ledger().receipt(without.transactionId()).entry().pricePlanId());
        for (String accountId : List.of(professional, starter, noPlan)) {
            assertInvariants(accountId);
        }
    }

    @Test
    default void quantityMultipliesThePlanPrice() {
        PlanIds plans = plans();
        String key = staging(plans.professional());
        String professional = fundedOnPlan(plans.professional(), 100);
        String noPlan = openFunded(100);

        assertEquals(16, deductOk(professional, key, 2).creditsDeducted());
        DeductionResult twoVariants = deductOk(noPlan, key, 2);

        assertEquals(20, twoVariants.creditsDeducted());
        assertEquals(20, twoVariants.required());
        assertEquals(80, available(noPlan));
        assertEquals(84, available(professional));
    }

    @Test
    default void checkCreditsUsesThePlanPrice() {
        PlanIds plans = plans();
        String key = staging(plans.professional());
        String professional = fundedOnPlan(plans.professional(), 16);
        AccountState before = state(professional);

        CheckResult two = ledger().checkCredits(professional, key, 2);
        CheckResult three = ledger().checkCredits(professional, key, 3);

        assertTrue(two.hasEnough());
        assertEquals(8, two.unitPrice());
        assertEquals(16, two.required());
        assertFalse(three.hasEnough());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, three.reason());
        assertEquals(24, three.required());
        assertUnchanged(before, professional);
    }

    @Test
    default void aHoldKeepsThePlanPriceItWasReservedAt() {
        PlanIds plans = plans();
        String key = staging(plans.professional());
        String professional = fundedOnPlan(plans.professional(), 100);

        ReservationResult reserved = ledger().reserve(ReserveRequest.of(professional, key).withQuantity(3));

        assertTrue(reserved.success());
        Hold hold = reserved.hold();
        assertEquals(8, hold.unitPrice());
        assertEquals(plans.professional(), hold.pricePlanId());
        assertEquals(24, hold.amount());
        CommitResult commit = ledger().commitQuantity(hold.holdId(), 2);
        assertEquals(16, commit.creditsCharged());
        LedgerEntry entry = ledger().receipt(commit.transactionId()).entry();
        assertEquals(8, entry.unitPrice());
        assertEquals(plans.professional(), entry.pricePlanId());
        assertEquals(84, available(professional));
        assertInvariants(professional);
    }

    @Test
    default void thePriceFollowsThePlanTheAccountIsOn() {
        PlanIds plans = plans();
        String key = staging(plans.professional());
        String accountId = openFunded(100);

        assertEquals(10, deductOk(accountId, key, 1).unitPrice());
        ledger().plans().assignPlan(accountId, plans.professional());
        assertEquals(8, deductOk(accountId, key, 1).unitPrice());
        ledger().plans().endPlan(accountId);
        DeductionResult afterEnd = deductOk(accountId, key, 1);

        assertEquals(10, afterEnd.unitPrice());
        assertNull(afterEnd.pricePlanId());
        assertEquals(72, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aScheduledDowngradeKeepsThePlanPriceUntilTheNextPeriod() {
        PlanIds plans = plans();
        String key = staging(plans.professional());
        String accountId = fundedOnPlan(plans.professional(), 100);
        ledger().plans().startPeriod(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(3)));
        ledger().plans().assignPlan(accountId, plans.starter());

        assertEquals(8, deductOk(accountId, key, 1).unitPrice(), "the downgrade took effect before its period");

        clock().set(FEB);
        ledger().plans().startPeriod(accountId, FEB, MAR);
        assertEquals(10, deductOk(accountId, key, 1).unitPrice());
        assertInvariants(accountId);
    }

    // ---------------------------------------------------------------- free retries

    @Test
    default void theFirstRetriesOfADeductionAreFreeThenTheyCostThePrice() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        DeductionResult original = deductOk(accountId, key, 1);
        assertEquals(10, original.creditsDeducted());
        assertEquals(0, original.retryNumber());

        DeductionResult first = retry(accountId, key, original.transactionId());
        DeductionResult second = retry(accountId, key, original.transactionId());
        DeductionResult third = retry(accountId, key, original.transactionId());

        assertEquals(1, first.retryNumber());
        assertEquals(0, first.creditsDeducted());
        assertEquals(2, second.retryNumber());
        assertEquals(0, second.creditsDeducted());
        assertEquals(3, third.retryNumber());
        assertEquals(10, third.creditsDeducted());
        assertEquals(10, third.unitPrice());
        assertEquals(80, available(accountId));
        LedgerEntry freeEntry = ledger().receipt(first.transactionId()).entry();
        assertEquals(1, freeEntry.retryNumber());
        assertEquals(original.transactionId(), freeEntry.referenceId());
        assertEquals(0, freeEntry.amount());
        LedgerEntry paidEntry = ledger().receipt(third.transactionId()).entry();
        assertEquals(3, paidEntry.retryNumber());
        assertEquals(original.transactionId(), paidEntry.referenceId());
        assertEquals(-10, paidEntry.amount());
        assertEquals(0, ledger().receipt(original.transactionId()).entry().retryNumber());
        assertInvariants(accountId);
    }

    @Test
    default void aRetryOfARetryCountsAgainstTheFirstOriginal() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();

        DeductionResult first = retry(accountId, key, original);
        DeductionResult second = retry(accountId, key, first.transactionId());
        DeductionResult third = retry(accountId, key, second.transactionId());

        assertEquals(2, second.retryNumber());
        assertEquals(0, second.creditsDeducted());
        assertEquals(3, third.retryNumber());
        assertEquals(10, third.creditsDeducted());
        assertEquals(original, ledger().receipt(third.transactionId()).entry().referenceId());
        DeductionResult fresh = deductOk(accountId, key, 1);
        assertEquals(1, retry(accountId, key, fresh.transactionId()).retryNumber(), "retries count per original");
        assertEquals(70, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aFreeRetryNeedsNoCredits() {
        String key = emptyRoom();
        String accountId = openFunded(10);
        String original = deductOk(accountId, key, 1).transactionId();

        DeductionResult free = retry(accountId, key, original);
        DeductionResult alsoFree = retry(accountId, key, original);
        DeductionResult paid = ledger().deductCredits(DeductRequest.of(accountId, key).withRetryOf(original));

        assertEquals(0, free.creditsDeducted());
        assertEquals(2, alsoFree.retryNumber());
        assertEquals(0, alsoFree.creditsDeducted());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, paid.reason(), "the third retry costs the price");
        assertEquals(10, paid.required());
        grant(accountId, 10);
        DeductionResult third = retry(accountId, key, original);
        assertEquals(3, third.retryNumber(), "a rejected retry was counted");
        assertEquals(10, third.creditsDeducted());
        assertEquals(0, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aRetryOfAFeatureWithoutFreeRetriesCostsThePrice() {
        String key = feature("image", 7);
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();

        DeductionResult retry = retry(accountId, key, original);

        assertEquals(1, retry.retryNumber());
        assertEquals(7, retry.creditsDeducted());
        assertEquals(86, available(accountId));
    }

    @Test
    default void aRetryMustNameADeductionOfTheSameFeatureAndAccount() {
        String key = emptyRoom();
        String otherKey = emptyRoom();
        String accountId = openFunded(100);
        String otherAccount = openFunded(100);
        String grant = grant(accountId, 5).transactionId();
        String otherFeature = deductOk(accountId, otherKey, 1).transactionId();
        String otherAccounts = deductOk(otherAccount, key, 1).transactionId();

        for (String retryOf : List.of(uniqueId("tx"), grant, otherFeature, otherAccounts)) {
            assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                    () -> ledger().deductCredits(DeductRequest.of(accountId, key).withRetryOf(retryOf)));
        }
        assertEquals(0, ledger().receipt(otherAccounts).entry().retryNumber());
        assertEquals(1, retry(otherAccount, key, otherAccounts).retryNumber(),
                "a rejected retry of another account counted against its original");
        assertInvariants(accountId);
        assertInvariants(otherAccount);
    }

    @Test
    default void aRetryWithAnIdempotencyKeyIsCountedOnce() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();
        DeductRequest request = DeductRequest.of(accountId, key).withRetryOf(original)
                .withIdempotencyKey(uniqueId("key"));

        DeductionResult first = ledger().deductCredits(request);
        DeductionResult replay = ledger().deductCredits(request);

        assertEquals(1, first.retryNumber());
        assertTrue(replay.replayed());
        assertEquals(1, replay.retryNumber());
        assertEquals(first.transactionId(), replay.transactionId());
        assertEquals(2, retry(accountId, key, original).retryNumber());
        assertEquals(90, available(accountId));
    }

    @Test
    default void concurrentRetriesOfOneOriginalGetDistinctNumbersAndOnlyTheFreeOnesAreFree() throws Exception {
        String key = emptyRoom();
        String accountId = openFunded(200);
        String original = deductOk(accountId, key, 1).transactionId();
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());

        List<DeductionResult> results = concurrently(8, i -> () -> ledgers.get(i % 2).deductCredits(
                DeductRequest.of(accountId, key).withRetryOf(original)));

        assertTrue(results.stream().allMatch(DeductionResult::success), results::toString);
        assertEquals(IntStream.rangeClosed(1, 8).boxed().toList(),
                results.stream().map(DeductionResult::retryNumber).sorted().toList());
        assertEquals(2, results.stream().filter(r -> r.creditsDeducted() == 0).count());
        assertTrue(results.stream().allMatch(r -> (r.retryNumber() <= 2) == (r.creditsDeducted() == 0)),
                results::toString);
        assertEquals(200 - 10 - 6 * 10, available(accountId));
        assertInvariants(accountId);
    }

    // ---------------------------------------------------------------- open-hold limit

    @Test
    default void aReservationBeyondTheOpenHoldLimitIsRejectedAndChangesNothing() {
        String accountId = newAccountId();
        ledger().openAccount(accountId, AccountSettings.DEFAULTS.withMaxOpenHolds(3));
        grant(accountId, 100);
        String key = feature("render", 5);
        for (int i = 0; i < 3; i++) {
            assertTrue(ledger().reserve(ReserveRequest.of(accountId, key)).success());
        }
        AccountState before = state(accountId);

        ReservationResult fourth = ledger().reserve(ReserveRequest.of(accountId, key));

        assertFalse(fourth.success());
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS, fourth.reason());
        assertNull(fourth.hold());
        assertEquals(429, RejectionReason.TOO_MANY_OPEN_HOLDS.httpStatus());
        assertUnchanged(before, accountId);
        assertEquals(15, balance(accountId).held());
        assertEquals(3, ledger().getAccount(accountId).orElseThrow().maxOpenHolds());
        assertTrue(ledger().deductCredits(accountId, key).success(), "the hold limit blocked a deduction");
    }

    @Test
    default void aResolvedHoldFreesASlot() {
        String accountId = newAccountId();
        ledger().openAccount(accountId, AccountSettings.DEFAULTS.withMaxOpenHolds(3));
        grant(accountId, 100);
        String key = feature("render", 5);
        Hold committed = ledger().reserve(ReserveRequest.of(accountId, key)).hold();
        Hold released = ledger().reserve(ReserveRequest.of(accountId, key)).hold();
        ledger().reserve(ReserveRequest.of(accountId, key).withTimeout(Duration.ofMinutes(1)));
        ReservationResult full = ledger().reserve(ReserveRequest.of(accountId, key));
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS, full.reason());

        ledger().commit(committed.holdId());
        assertTrue(ledger().reserve(ReserveRequest.of(accountId, key).withTimeout(Duration.ofMinutes(10)))
                .success(), "a committed hold still counted");
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS, ledger().reserve(ReserveRequest.of(accountId, key)).reason());

        ledger().release(released.holdId());
        assertTrue(ledger().reserve(ReserveRequest.of(accountId, key).withTimeout(Duration.ofMinutes(10)))
                .success(), "a released hold still counted");
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS, ledger().reserve(ReserveRequest.of(accountId, key)).reason());

        advance(Duration.ofMinutes(1));
        assertTrue(ledger().reserve(ReserveRequest.of(accountId, key)).success(), "an expired hold still counted");
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS, ledger().reserve(ReserveRequest.of(accountId, key)).reason());
        assertEquals(15, balance(accountId).held());
    }

    @Test
    default void aHoldLimitSetLaterApplies() {
        String accountId = openFunded(100);
        String key = feature("render", 5);
        ledger().reserve(ReserveRequest.of(accountId, key));
        ledger().reserve(ReserveRequest.of(accountId, key));

        ledger().updateAccountSettings(accountId, AccountSettings.DEFAULTS.withMaxOpenHolds(2));

        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS, ledger().reserve(ReserveRequest.of(accountId, key)).reason());
        ledger().updateAccountSettings(accountId, AccountSettings.DEFAULTS);
        assertTrue(ledger().reserve(ReserveRequest.of(accountId, key)).success(), "0 means no limit");
    }

    @Test
    default void concurrentReservationsNeverExceedTheOpenHoldLimit() throws Exception {
        String accountId = newAccountId();
        ledger().openAccount(accountId, AccountSettings.DEFAULTS.withMaxOpenHolds(5));
        grant(accountId, 100);
        String key = feature("render", 5);
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());

        List<ReservationResult> results = concurrently(8, i -> () -> ledgers.get(i % 2).reserve(
                ReserveRequest.of(accountId, key)));

        assertEquals(5, results.stream().filter(ReservationResult::success).count(), results::toString);
        assertTrue(results.stream().filter(r -> !r.success())
                .allMatch(r -> r.reason() == RejectionReason.TOO_MANY_OPEN_HOLDS), results::toString);
        assertEquals(25, balance(accountId).held());
        for (ReservationResult result : results) {
            if (result.success()) {
                ledger().commit(result.hold().holdId());
            }
        }
        assertEquals(75, available(accountId));
        assertInvariants(accountId);
    }
}
