package dev.credits.tck;

import dev.credits.Balance;
import dev.credits.CheckResult;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.InvalidArgumentException;
import dev.credits.LotSource;
import dev.credits.Plan;
import dev.credits.PlanChange;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.Quote;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Set;

import static dev.credits.tck.CommerceFixture.assertAmount;
import static dev.credits.tck.CommerceFixture.assertLinesAddUp;
import static dev.credits.tck.CommerceFixture.assertUsd;
import static dev.credits.tck.CommerceFixture.linesOf;
import static dev.credits.tck.CommerceFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plan rules per credit type (may buy, may spend), plan credit rates and discounts, promotions limited to plans, and
 * custom amounts with a credit type and a validity.
 */
public interface PlanEntitlementContract extends CommerceFixture {

    String CREDITS = CreditLedger.DEFAULT_CREDIT_TYPE;
    String VOICE = "voice";

    /** A free plan as 002 has it: no session credits bought or spent, voice credits bought and spent. @return id */
    private String freePlan() {
        String id = uniqueId("free");
        ledger().plans().savePlan(Plan.of(id, "Free", 0).withCanBuyCredits(false)
                .withCreditAccess(CREDITS, false, false).withCreditAccess(VOICE, true, true));
        return id;
    }

    private String proPlan() {
        String id = uniqueId("pro");
        ledger().plans().savePlan(Plan.of(id, "Pro", 0));
        return id;
    }

    private String session() {
        String key = newFeatureKey("session");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Session", 10));
        return key;
    }

    private String voiceMinute() {
        String key = newFeatureKey("voice_minute");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Voice minute", 1).withCreditType(VOICE));
        return key;
    }

    private String voicePackage() {
        String id = uniqueId("voice");
        ledger().commerce().savePackage(CreditPackage.of(id, "Voice 100", 100, usd("10.00")).withCreditType(VOICE));
        return id;
    }

    @Test
    default void aPlanThatMayNotSpendATypeRefusesItsSpendsAndKeepsItsCredits() {
        String free = freePlan();
        String key = session();
        String accountId = openFunded(100);
        ledger().plans().assignPlan(accountId, free);
        AccountState before = state(accountId);

        CheckResult check = ledger().checkCredits(accountId, key);
        DeductionResult deduction = ledger().deductCredits(DeductRequest.of(accountId, key));
        ReservationResult reservation = ledger().reserve(ReserveRequest.of(accountId, key));

        assertFalse(check.hasEnough());
        assertEquals(RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE, check.reason());
        assertEquals(RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE, deduction.reason());
        assertEquals(RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE, reservation.reason());
        assertEquals(403, RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE.httpStatus());
        assertUnchanged(before, accountId);
        Balance balance = balance(accountId);
        assertEquals(100, balance.available(), "the credits stay");
        assertFalse(balance.spendable(), "shown as not spendable");
    }

    @Test
    default void creditsComeBackWhenTheAccountMovesToAPlanThatAllowsThem() {
        String free = freePlan();
        String pro = proPlan();
        String key = session();
        String accountId = openFunded(100);
        ledger().plans().assignPlan(accountId, free);
        assertFalse(balance(accountId).spendable());

        ledger().plans().assignPlan(accountId, pro);

        assertTrue(balance(accountId).spendable());
        assertEquals(90, deductOk(accountId, key, 1).remainingCredits());
    }

    @Test
    default void aFreePlanMayBuyAndSpendTheTypesItAllows() {
        String free = freePlan();
        String voice = voicePackage();
        String minute = voiceMinute();
        String accountId = openAccount();
        ledger().plans().assignPlan(accountId, free);

        PurchaseResult bought = purchaseOk(shop(), PurchaseRequest.ofPackage(accountId, voice));
        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(accountId, 100),
                RejectionReason.PLAN_CANNOT_BUY_CREDITS);
        DeductionResult spent = ledger().deductCredits(DeductRequest.of(accountId, minute).withQuantity(5));

        assertEquals(VOICE, bought.purchase().creditType());
        assertTrue(spent.success(), () -> "voice is spendable on the free plan: " + spent);
        assertEquals(95, ledger().balance(accountId, VOICE).available());
        assertTrue(ledger().balance(accountId, VOICE).spendable());
        assertFalse(balance(accountId).spendable());
    }

    @Test
    default void aPlanWithoutRulesPerTypeFollowsCanBuyCreditsAndSpendsEverything() {
        String noBuying = uniqueId("closed");
        ledger().plans().savePlan(Plan.of(noBuying, "Closed", 0).withCanBuyCredits(false));
        String key = session();
        String accountId = openFunded(100);
        ledger().plans().assignPlan(accountId, noBuying);

        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(accountId, 100),
                RejectionReason.PLAN_CANNOT_BUY_CREDITS);
        assertEquals(90, deductOk(accountId, key, 1).remainingCredits());
        assertTrue(balance(accountId).spendable());
        String noPlan = openFunded(100);
        assertTrue(balance(noPlan).spendable(), "no plan: today's behaviour");
        assertEquals(90, deductOk(noPlan, key, 1).remainingCredits());
    }

    @Test
    default void aHoldPlacedBeforeThePlanChangedStillCommits() {
        String free = freePlan();
        String pro = proPlan();
        String key = session();
        String accountId = openFunded(100);
        ledger().plans().assignPlan(accountId, pro);
        ReservationResult held = ledger().reserve(ReserveRequest.of(accountId, key));
        assertTrue(held.success());

        ledger().plans().assignPlan(accountId, free); // outside a period: switches now
        assertEquals(free, ledger().getAccount(accountId).orElseThrow().planId());

        assertEquals(10, ledger().commit(held.hold().holdId()).creditsCharged(),
                "work reserved while allowed is charged as reserved");
        assertEquals(RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE,
                ledger().reserve(ReserveRequest.of(accountId, key)).reason(), "new reservations are refused");
        assertEquals(90, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aPlanRuleForAnInvalidCreditTypeIsRejected() {
        assertThrows(InvalidArgumentException.class, () -> ledger().plans().savePlan(
                Plan.of(uniqueId("bad"), "Bad", 0).withCreditAccess(" ", true, true)));
        assertThrows(InvalidArgumentException.class, () -> ledger().plans().savePlan(
                Plan.of(uniqueId("bad"), "Bad", 0).withPurchasePercentOff(new BigDecimal("101"))));
        assertThrows(InvalidArgumentException.class, () -> ledger().plans().savePlan(
                Plan.of(uniqueId("bad"), "Bad", 0).withCreditRate(usd("0"))));
    }

    @Test
    default void aPlanKeepsItsRulesAsSaved() {
        String id = uniqueId("rules");
        Plan plan = Plan.of(id, "Rules", 100).withCanBuyCredits(false).withCreditAccess(VOICE, true, false)
                .withCreditRate(usd("0.08")).withPurchasePercentOff(new BigDecimal("12.5"));
        ledger().plans().savePlan(plan);

        Plan stored = ledger().plans().getPlan(id).orElseThrow();

        assertEquals(plan.creditAccess(), stored.creditAccess());
        assertUsd("0.08", stored.creditRate());
        assertAmount("12.5", stored.purchasePercentOff());
        assertFalse(stored.canSpend(VOICE));
        assertTrue(stored.canBuy(VOICE));
        assertFalse(stored.canBuy(CREDITS));
    }

    // ---------------------------------------------------------------- the subscription a plan comes from

    @Test
    default void theEndOfAnotherSubscriptionThanThePlansOwnChangesNothing() {
        String pro = proPlan();
        String accountId = openAccount();
        assertEquals(PlanChange.Kind.ASSIGNED, ledger().plans().assignPlan(accountId, pro, "sub_1").kind());
        assertEquals("sub_1", ledger().getAccount(accountId).orElseThrow().subscriptionId());

        PlanChange again = ledger().plans().assignPlan(accountId, pro, "sub_2"); // subscribed again, same plan
        assertEquals(PlanChange.Kind.UNCHANGED, again.kind());
        assertEquals("sub_2", ledger().getAccount(accountId).orElseThrow().subscriptionId());
        assertEquals(sequence(accountId), again.sequence());
        long sequence = sequence(accountId);

        PlanChange old = ledger().plans().endPlan(accountId, "sub_1");
        assertEquals(PlanChange.Kind.UNCHANGED, old.kind());
        assertEquals(pro, ledger().getAccount(accountId).orElseThrow().planId(), "the older subscription's end");
        assertEquals(sequence, sequence(accountId), "nothing written");

        PlanChange ended = ledger().plans().endPlan(accountId, "sub_2");
        assertEquals(PlanChange.Kind.ENDED, ended.kind());
        assertNull(ledger().getAccount(accountId).orElseThrow().planId());
        assertNull(ledger().getAccount(accountId).orElseThrow().subscriptionId());
        ledger().plans().assignPlan(accountId, pro);
        assertEquals(PlanChange.Kind.ENDED, ledger().plans().endPlan(accountId, "sub_9").kind(),
                "a plan that records no subscription ends with any");
        assertThrows(InvalidArgumentException.class, () -> ledger().plans().assignPlan(accountId, pro, " "));
    }

    // ---------------------------------------------------------------- rates and promotions per plan

    @Test
    default void aPlanWithItsOwnCreditRatePricesCustomAmounts() {
        String id = uniqueId("subscriber");
        ledger().plans().savePlan(Plan.of(id, "Subscriber", 0).withCreditRate(usd("0.08")));
        String accountId = openAccount();
        ledger().plans().assignPlan(accountId, id);

        Quote quote = shop().commerce().quote(PurchaseRequest.ofCredits(accountId, 100));
        Quote base = shop().commerce().quote(PurchaseRequest.ofCredits(openAccount(), 100));

        assertUsd("8.00", quote.price());
        assertEquals("plan-rate:" + id, quote.planRule());
        assertEquals(1, linesOf(quote.lines(), "plan-rate:" + id).size());
        assertLinesAddUp(quote);
        assertUsd("10.00", base.price());
        assertNull(base.planRule());
    }

    @Test
    default void aPlanDiscountAppliesToPackagesAndCustomAmounts() {
        String id = uniqueId("subscriber");
        ledger().plans().savePlan(Plan.of(id, "Subscriber", 0).withPurchasePercentOff(new BigDecimal("10")));
        String accountId = openAccount();
        ledger().plans().assignPlan(accountId, id);
        String starter = starterPackage();

        Quote pack = shop().commerce().quote(PurchaseRequest.ofPackage(accountId, starter));
        PurchaseResult custom = purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 100));

        assertUsd("179.10", pack.price());
        assertEquals("plan-discount:" + id, pack.planRule());
        assertLinesAddUp(pack);
        assertUsd("9.00", custom.purchase().price());
        assertEquals("plan-discount:" + id, custom.quote().planRule());
    }

    @Test
    default void aPromotionLimitedToPlansAppliesOnlyToTheirAccounts() {
        String pro = proPlan();
        String code = promotion(p -> p.withPercentOff(new BigDecimal("20")).withPlanIds(Set.of(pro)));
        String onPlan = openAccount();
        ledger().plans().assignPlan(onPlan, pro);
        String otherPlan = openAccount();
        ledger().plans().assignPlan(otherPlan, proPlan());
        String noPlan = openAccount();

        Quote quote = shop().commerce().quote(PurchaseRequest.ofCredits(onPlan, 100).withPromotionCode(code));

        assertUsd("8.00", quote.price());
        assertEquals(Set.of(pro), ledger().commerce().getPromotion(code).orElseThrow().planIds());
        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(otherPlan, 100).withPromotionCode(code),
                RejectionReason.PROMOTION_NOT_APPLICABLE);
        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(noPlan, 100).withPromotionCode(code),
                RejectionReason.PROMOTION_NOT_APPLICABLE);
    }

    // ---------------------------------------------------------------- custom amounts like packages

    @Test
    default void aCustomAmountHasACreditTypeAndThePolicysValidityForIt() {
        PurchasePolicy policy = STANDARD_POLICY.withCustomAmountValidity(CREDITS, Period.ofMonths(12))
                .withCustomAmountValidity(VOICE, Period.ofMonths(1));
        String accountId = openAccount();

        PurchaseResult credits = purchaseOk(shop(policy), PurchaseRequest.ofCredits(accountId, 100));
        PurchaseResult voice = purchaseOk(shop(policy), PurchaseRequest.ofCredits(accountId, 100, VOICE));
        PurchaseResult forever = purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 100, VOICE));

        assertEquals(CREDITS, credits.purchase().creditType());
        assertEquals(START.atOffset(ZoneOffset.UTC).plusMonths(12).toInstant(), credits.lot().expiresAt());
        assertEquals(VOICE, voice.purchase().creditType());
        assertEquals(VOICE, voice.lot().creditType());
        assertEquals(LotSource.PURCHASE, voice.lot().source());
        assertEquals(Instant.parse("2025-02-01T00:00:00Z"), voice.lot().expiresAt());
        assertNull(forever.lot().expiresAt(), "a type the policy gives no validity never expires");
        assertEquals(200, ledger().balance(accountId, VOICE).available());
        assertThrows(InvalidArgumentException.class, () -> shop().commerce().purchase(
                PurchaseRequest.ofPackage(accountId, starterPackage()).withCreditType(VOICE)));
    }

    @Test
    default void aPendingCustomAmountGrantsItsTypeWhenCompleted() {
        PurchasePolicy policy = STANDARD_POLICY.withCustomAmountValidity(VOICE, Period.ofMonths(1));
        String accountId = openAccount();
        PurchaseResult pending = purchaseOk(shop(policy),
                PurchaseRequest.ofCredits(accountId, 50, VOICE).withPending(true));

        PurchaseResult completed = shop(policy).commerce().completePurchase(pending.purchase().purchaseId());

        assertEquals(VOICE, completed.lot().creditType());
        assertEquals(Instant.parse("2025-02-01T00:00:00Z"), completed.lot().expiresAt());
        assertEquals(50, ledger().balance(accountId, VOICE).available());
    }
}
