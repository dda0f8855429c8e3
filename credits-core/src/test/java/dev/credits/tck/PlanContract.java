package dev.credits.tck;

import dev.credits.Account;
import dev.credits.AllowancePeriod;
import dev.credits.Allocation;
import dev.credits.CreditLedger;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.GrantRequest;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.PeriodResult;
import dev.credits.Plan;
import dev.credits.PlanChange;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownPlanException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plans and allowance periods: assigning, starting periods (grant, expiry, rollover), half-open periods, late
 * and repeated webhooks, upgrades, scheduled downgrades and ending a plan.
 */
public interface PlanContract extends CommerceFixture {

    String CREDITS = CreditLedger.DEFAULT_CREDIT_TYPE;

    /** @return an open account on {@code planId} */
    private String openOnPlan(String planId) {
        String accountId = openAccount();
        PlanChange change = ledger().plans().assignPlan(accountId, planId);
        assertEquals(PlanChange.Kind.ASSIGNED, change.kind());
        return accountId;
    }

    private PeriodResult startOk(String accountId, Instant start, Instant end) {
        PeriodResult result = ledger().plans().startPeriod(accountId, start, end);
        assertEquals(PeriodResult.Status.STARTED, result.status(), () -> "period expected to start: " + result);
        return result;
    }

    private static long credits(Map<String, Long> byType) {
        return byType.getOrDefault(CREDITS, 0L);
    }

    private long subscriptionCredits(String accountId) {
        return subscriptionLots(accountId).stream().mapToLong(Lot::remaining).sum();
    }

    @Test
    default void plansAreSavedReplacedAndListedById() {
        String suffix = uniqueId("");
        Plan b = Plan.of("plan-b" + suffix, "B", 600).withRolloverCap(300);
        Plan a = Plan.of("plan-a" + suffix, "A", 200).withCanBuyCredits(false);

        assertEquals(b, ledger().plans().savePlan(b));
        assertEquals(a, ledger().plans().savePlan(a));

        assertEquals(Optional.of(b), ledger().plans().getPlan(b.planId()));
        assertEquals(List.of(a.planId(), b.planId()), ledger().plans().listPlans().stream().map(Plan::planId)
                .filter(id -> id.endsWith(suffix)).toList());
        Plan bigger = b.withAllowance(CREDITS, 700).withAllowance("voice", 30);
        ledger().plans().savePlan(bigger);
        assertEquals(Optional.of(bigger), ledger().plans().getPlan(b.planId()));
        assertEquals(30, ledger().plans().getPlan(b.planId()).orElseThrow().allowance("voice"));
        assertTrue(ledger().plans().getPlan(uniqueId("none")).isEmpty());
    }

    @Test
    default void assigningAPlanWithoutACurrentPeriodAppliesItFromTheNextPeriod() {
        PlanIds plans = plans();
        String accountId = openAccount();
        AccountState before = state(accountId);

        PlanChange change = ledger().plans().assignPlan(accountId, plans.starter());

        assertEquals(accountId, change.accountId());
        assertEquals(PlanChange.Kind.ASSIGNED, change.kind());
        assertNull(change.previousPlanId());
        assertEquals(plans.starter(), change.planId());
        assertNull(change.nextPlanId());
        assertTrue(change.granted().isEmpty());
        Account account = ledger().getAccount(accountId).orElseThrow();
        assertEquals(plans.starter(), account.planId());
        assertNull(account.nextPlanId());
        assertNull(account.periodStart());
        assertSameCredits(before, accountId, "assigning a plan granted credits");
        assertEquals(before.entries(), entries(accountId));
    }

    @Test
    default void startingAPeriodGrantsTheAllowanceAsASubscriptionLotUntilItsEnd() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());

        PeriodResult result = ledger().plans().startPeriod(accountId, START, FEB);

        assertEquals(PeriodResult.Status.STARTED, result.status());
        assertEquals(accountId, result.accountId());
        assertEquals(plans.starter(), result.planId());
        assertEquals(START, result.start());
        assertEquals(FEB, result.end());
        assertEquals(200, credits(result.granted()));
        assertEquals(0, credits(result.expired()));
        assertEquals(0, credits(result.rolledOver()));
        assertEquals(sequence(accountId), result.sequence());
        List<Lot> lots = balance(accountId).lots();
        assertEquals(1, lots.size());
        Lot lot = lots.get(0);
        assertEquals(LotSource.SUBSCRIPTION, lot.source());
        assertEquals(0, lot.priority());
        assertEquals(200, lot.amount());
        assertEquals(FEB, lot.expiresAt());
        assertEquals(new AllowancePeriod(plans.starter(), START, false), lot.allowance(),
                "the lot names its plan period (typed, not metadata keys)");
        assertEquals(Map.of(), lot.metadata(), "the ledger writes no metadata of its own");
        assertNull(lot.purchaseId());
        Account account = ledger().getAccount(accountId).orElseThrow();
        assertEquals(START, account.periodStart());
        assertEquals(FEB, account.periodEnd());
        List<LedgerEntry> entries = entries(accountId);
        assertEquals(1, entries.size());
        assertEquals(EntryType.GRANT, entries.get(0).type());
        assertEquals(200, entries.get(0).amount());
        assertEquals(Map.of(), entries.get(0).metadata());
        assertInvariants(accountId);
    }

    @Test
    default void theAllowanceIsSpentBeforePurchasedCredits() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        String purchased = ledger().grant(GrantRequest.of(accountId, 100).withSource(LotSource.PURCHASE)
                .withExpiresAt(START.plus(Duration.ofDays(20)))).lot().lotId();
        advance(Duration.ofSeconds(1));
        startOk(accountId, START, FEB);
        String allowance = subscriptionLots(accountId).get(0).lotId();
        String key = feature("image", 10);

        DeductionResult result = deductOk(accountId, key, 25);

        List<Allocation> lines = ledger().receipt(result.transactionId()).allocations();
        assertEquals(List.of(allowance, purchased), lines.stream().map(Allocation::lotId).toList());
        assertEquals(List.of(-200L, -50L), lines.stream().map(Allocation::amount).toList());
        assertEquals(50, remaining(accountId, purchased));
        assertInvariants(accountId);
    }

    @Test
    default void anAllowanceIsThereUntilOneMillisecondBeforeTheEndOfItsPeriod() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);

        clock().set(FEB.minusMillis(1));
        assertEquals(200, available(accountId));
        deductOk(accountId, feature("unit", 1), 1);

        clock().set(FEB);
        assertEquals(0, available(accountId), "the allowance is expired at the end of its period");
        assertTrue(subscriptionLots(accountId).isEmpty());
        assertInvariants(accountId);
        assertEquals(199, expiredCredits(accountId));
    }

    @Test
    default void theNextPeriodExpiresTheUnusedAllowanceAndRollsOverUpToTheCap() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        String purchased = grant(accountId, 40).lot().lotId();
        startOk(accountId, START, FEB);
        deductOk(accountId, feature("unit", 1), 50);

        clock().set(FEB);
        PeriodResult result = startOk(accountId, FEB, MAR);

        assertEquals(150, credits(result.expired()));
        assertEquals(100, credits(result.rolledOver()));
        assertEquals(200, credits(result.granted()));
        assertEquals(300, subscriptionCredits(accountId));
        assertTrue(subscriptionLots(accountId).stream().allMatch(lot -> MAR.equals(lot.expiresAt())
                && lot.priority() == 0), () -> "subscription lots: " + subscriptionLots(accountId));
        assertEquals(java.util.Set.of(new AllowancePeriod(plans.starter(), FEB, true),
                        new AllowancePeriod(plans.starter(), FEB, false)),
                subscriptionLots(accountId).stream().map(Lot::allowance).collect(java.util.stream.Collectors.toSet()),
                "one rollover lot and one allowance lot of the new period");
        assertEquals(40, remaining(accountId, purchased), "a new period touched purchased credits");
        assertEquals(340, available(accountId));
        assertEquals(150, expiredCredits(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aRolloverIsNeverMoreThanWhatWasLeft() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        deductOk(accountId, feature("unit", 1), 170);

        clock().set(FEB);
        PeriodResult result = startOk(accountId, FEB, MAR);

        assertEquals(30, credits(result.rolledOver()));
        assertEquals(230, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aLateWebhookStillRollsOverTheAllowanceThatAlreadyExpired() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        deductOk(accountId, feature("unit", 1), 50);

        clock().set(FEB.plus(Duration.ofHours(3)));
        ledger().expireDue();
        assertEquals(0, available(accountId));
        assertEquals(150, expiredCredits(accountId));
        PeriodResult result = startOk(accountId, FEB, MAR);

        assertEquals(100, credits(result.rolledOver()));
        assertEquals(200, credits(result.granted()));
        assertEquals(300, available(accountId));
        assertEquals(150, expiredCredits(accountId), "the allowance expired twice");
        assertInvariants(accountId);
    }

    @Test
    default void startingTheSamePeriodAgainChangesNothing() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        AccountState before = state(accountId);

        PeriodResult again = newLedger().plans().startPeriod(accountId, START, FEB);

        assertEquals(PeriodResult.Status.ALREADY_STARTED, again.status());
        assertTrue(again.granted().isEmpty() || credits(again.granted()) == 0, "granted again: " + again);
        assertUnchanged(before, accountId);
        assertEquals(200, available(accountId));
    }

    @Test
    default void anOlderOrAlreadyEndedPeriodIsStaleAndChangesNothing() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        clock().set(FEB);
        startOk(accountId, FEB, MAR);
        AccountState before = state(accountId);

        assertEquals(PeriodResult.Status.STALE, ledger().plans().startPeriod(accountId, START, FEB).status());
        assertEquals(PeriodResult.Status.STALE, ledger().plans().startPeriod(accountId, START, MAR).status());
        assertUnchanged(before, accountId);

        String fresh = openOnPlan(plans.starter());
        AccountState freshBefore = state(fresh);
        assertEquals(PeriodResult.Status.STALE, ledger().plans().startPeriod(fresh, START, FEB).status(),
                "a period ending now has ended");
        assertEquals(PeriodResult.Status.STALE, ledger().plans().startPeriod(fresh, START, FEB.minusSeconds(1)).status());
        assertUnchanged(freshBefore, fresh);
        assertEquals(200, available(accountId));
    }

    @Test
    default void startingAPeriodWithoutAPlanChangesNothing() {
        String accountId = openFunded(10);
        AccountState before = state(accountId);

        PeriodResult result = ledger().plans().startPeriod(accountId, START, FEB);

        assertEquals(PeriodResult.Status.NO_PLAN, result.status());
        assertNull(result.planId());
        assertUnchanged(before, accountId);
    }

    @Test
    default void aPeriodThatDoesNotEndAfterItsStartIsInvalid() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());

        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().plans().startPeriod(accountId, FEB, FEB));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().plans().startPeriod(accountId, FEB, START));
        assertThrows(UnknownAccountException.class, () -> ledger().plans().startPeriod(newAccountId(), START, FEB));
    }

    @Test
    default void anUpgradeMidPeriodSwitchesNowAndGrantsTheDifferenceUntilThePeriodEnds() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));

        PlanChange change = ledger().plans().assignPlan(accountId, plans.professional());

        assertEquals(PlanChange.Kind.UPGRADED, change.kind());
        assertEquals(plans.starter(), change.previousPlanId());
        assertEquals(plans.professional(), change.planId());
        assertNull(change.nextPlanId());
        assertEquals(Map.of(CREDITS, 400L), change.granted());
        assertEquals(plans.professional(), ledger().getAccount(accountId).orElseThrow().planId());
        List<Lot> subscription = subscriptionLots(accountId);
        assertEquals(600, subscriptionCredits(accountId));
        assertTrue(subscription.stream().allMatch(lot -> FEB.equals(lot.expiresAt()) && lot.priority() == 0),
                () -> "subscription lots: " + subscription);
        assertTrue(subscription.stream().anyMatch(lot -> lot.amount() == 400 && lot.grantedAt().equals(now())),
                () -> "no lot of 400 granted now: " + subscription);
        assertEquals(600, available(accountId));
        clock().set(FEB);
        assertEquals(0, available(accountId), "the upgrade's credits outlived the period");
        assertInvariants(accountId);
    }

    @Test
    default void aDowngradeMidPeriodIsScheduledForTheNextPeriod() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.professional());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));
        AccountState before = state(accountId);

        PlanChange change = ledger().plans().assignPlan(accountId, plans.starter());

        assertEquals(PlanChange.Kind.DOWNGRADE_SCHEDULED, change.kind());
        assertEquals(plans.professional(), change.previousPlanId());
        assertEquals(plans.professional(), change.planId());
        assertEquals(plans.starter(), change.nextPlanId());
        assertTrue(change.granted().isEmpty());
        Account account = ledger().getAccount(accountId).orElseThrow();
        assertEquals(plans.professional(), account.planId());
        assertEquals(plans.starter(), account.nextPlanId());
        assertSameCredits(before, accountId);
        assertEquals(before.entries(), entries(accountId));

        clock().set(FEB);
        PeriodResult next = startOk(accountId, FEB, MAR);

        assertEquals(plans.starter(), next.planId());
        assertEquals(200, credits(next.granted()));
        Account after = ledger().getAccount(accountId).orElseThrow();
        assertEquals(plans.starter(), after.planId());
        assertNull(after.nextPlanId());
        assertInvariants(accountId);
    }

    @Test
    default void aDowngradeRollsOverUpToThePreviousPlansCap() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.professional());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));
        ledger().plans().assignPlan(accountId, plans.starter());

        clock().set(FEB);
        PeriodResult next = startOk(accountId, FEB, MAR);

        assertEquals(600, credits(next.expired()));
        assertEquals(300, credits(next.rolledOver()), "the previous plan's (professional's) cap applies");
        assertEquals(500, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void assigningTheCurrentPlanCancelsAScheduledDowngrade() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.professional());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));
        ledger().plans().assignPlan(accountId, plans.starter());

        PlanChange change = ledger().plans().assignPlan(accountId, plans.professional());

        assertEquals(PlanChange.Kind.DOWNGRADE_CANCELLED, change.kind());
        assertEquals(plans.professional(), change.planId());
        assertNull(change.nextPlanId());
        assertNull(ledger().getAccount(accountId).orElseThrow().nextPlanId());
        assertEquals(600, available(accountId));
        clock().set(FEB);
        PeriodResult next = startOk(accountId, FEB, MAR);
        assertEquals(plans.professional(), next.planId());
        assertEquals(600, credits(next.granted()));
        assertInvariants(accountId);
    }

    @Test
    default void anUpgradeReplacesAScheduledDowngrade() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.professional());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));
        ledger().plans().assignPlan(accountId, plans.starter());

        PlanChange change = ledger().plans().assignPlan(accountId, plans.enterprise());

        assertEquals(PlanChange.Kind.UPGRADED, change.kind());
        assertEquals(plans.professional(), change.previousPlanId());
        assertEquals(plans.enterprise(), change.planId());
        assertNull(change.nextPlanId());
        assertEquals(Map.of(CREDITS, 900L), change.granted());
        assertEquals(1500, available(accountId));
        clock().set(FEB);
        assertEquals(plans.enterprise(), startOk(accountId, FEB, MAR).planId());
        assertInvariants(accountId);
    }

    @Test
    default void aPlanGrantsAndUpgradesEachCreditTypeOfItsAllowance() {
        String creditsHeavy = uniqueId("studio");
        String voiceToo = uniqueId("studio-voice");
        ledger().plans().savePlan(Plan.of(creditsHeavy, "Studio", 600).withAllowance("voice", 0));
        ledger().plans().savePlan(Plan.of(voiceToo, "Studio voice", 200).withAllowance("voice", 50));
        String accountId = openOnPlan(creditsHeavy);
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));

        PlanChange change = ledger().plans().assignPlan(accountId, voiceToo);

        assertEquals(PlanChange.Kind.UPGRADED, change.kind(), "an allowance grew, so it is an upgrade");
        assertEquals(Map.of("voice", 50L), change.granted());
        assertEquals(600, available(accountId), "a shrinking allowance took credits away");
        assertEquals(50, ledger().balance(accountId, "voice").available());
        assertEquals(FEB, ledger().balance(accountId, "voice").lots().get(0).expiresAt());

        clock().set(FEB);
        PeriodResult next = startOk(accountId, FEB, MAR);
        assertEquals(Map.of(CREDITS, 200L, "voice", 50L), next.granted());
        assertEquals(200, available(accountId));
        assertEquals(50, ledger().balance(accountId, "voice").available());
        assertInvariants(accountId);
    }

    @Test
    default void aMoveToAPlanWithNoLargerAllowanceIsScheduled() {
        PlanIds plans = plans();
        String twin = uniqueId("starter-twin");
        ledger().plans().savePlan(Plan.of(twin, "Starter twin", 200));
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));

        PlanChange change = ledger().plans().assignPlan(accountId, twin);

        assertEquals(PlanChange.Kind.DOWNGRADE_SCHEDULED, change.kind());
        assertEquals(plans.starter(), change.planId());
        assertEquals(twin, change.nextPlanId());
        assertEquals(200, available(accountId));
    }

    @Test
    default void aPeriodStartedOnAPlanPutsTheAccountOnItFromThatPeriod() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(FEB);

        PeriodResult period = ledger().plans().startPeriod(accountId, plans.professional(), FEB, MAR);

        assertEquals(PeriodResult.Status.STARTED, period.status());
        assertEquals(plans.professional(), period.planId());
        assertEquals(600, credits(period.granted()));
        assertEquals(100, credits(period.rolledOver()), "the rollover follows the plan of the ended period (cap 100)");
        Account account = ledger().getAccount(accountId).orElseThrow();
        assertEquals(plans.professional(), account.planId());
        assertNull(account.nextPlanId());
        assertEquals(700, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aRepeatedOrStalePeriodOnAnotherPlanMovesNothing() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.professional());
        startOk(accountId, START, FEB);
        clock().set(FEB);
        startOk(accountId, FEB, MAR);
        AccountState before = state(accountId);

        PeriodResult again = ledger().plans().startPeriod(accountId, plans.starter(), FEB, MAR);
        PeriodResult stale = ledger().plans().startPeriod(accountId, plans.starter(), START, FEB);

        assertEquals(PeriodResult.Status.ALREADY_STARTED, again.status());
        assertEquals(PeriodResult.Status.STALE, stale.status());
        assertEquals(plans.professional(), ledger().getAccount(accountId).orElseThrow().planId());
        assertUnchanged(before, accountId);
    }

    @Test
    default void aPeriodOnAPlanReplacesAScheduledDowngrade() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.professional());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));
        ledger().plans().assignPlan(accountId, plans.starter());
        clock().set(FEB);

        PeriodResult period = ledger().plans().startPeriod(accountId, plans.professional(), FEB, MAR);

        assertEquals(plans.professional(), period.planId());
        assertEquals(600, credits(period.granted()));
        assertNull(ledger().getAccount(accountId).orElseThrow().nextPlanId());
    }

    @Test
    default void aPeriodOnAnUnknownOrInactivePlanIsRefusedAndChangesNothing() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(FEB);
        String retired = uniqueId("retired");
        ledger().plans().savePlan(Plan.of(retired, "Retired", 50).withActive(false));
        AccountState before = state(accountId);

        assertThrows(UnknownPlanException.class,
                () -> ledger().plans().startPeriod(accountId, uniqueId("nope"), FEB, MAR));
        assertThrows(InvalidArgumentException.class,
                () -> ledger().plans().startPeriod(accountId, retired, FEB, MAR));
        assertUnchanged(before, accountId);
    }

    @Test
    default void assigningThePlanAlreadyScheduledChangesNothing() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.professional());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));
        PlanChange scheduled = ledger().plans().assignPlan(accountId, plans.starter());

        PlanChange again = ledger().plans().assignPlan(accountId, plans.starter());

        assertEquals(PlanChange.Kind.DOWNGRADE_SCHEDULED, scheduled.kind());
        assertEquals(PlanChange.Kind.UNCHANGED, again.kind());
        assertEquals(scheduled.sequence(), again.sequence(), "nothing was written");
        assertEquals(plans.professional(), again.planId());
        assertEquals(plans.starter(), again.nextPlanId());
        assertEquals(plans.starter(), ledger().getAccount(accountId).orElseThrow().nextPlanId());
    }

    @Test
    default void switchingBackAndForthWithinAPeriodGrantsTheDifferenceOnce() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));

        assertEquals(PlanChange.Kind.UPGRADED, ledger().plans().assignPlan(accountId, plans.professional()).kind());
        assertEquals(PlanChange.Kind.DOWNGRADE_SCHEDULED, ledger().plans().assignPlan(accountId, plans.starter()).kind());
        assertEquals(PlanChange.Kind.DOWNGRADE_CANCELLED, ledger().plans().assignPlan(accountId, plans.professional()).kind());
        assertEquals(PlanChange.Kind.DOWNGRADE_SCHEDULED, ledger().plans().assignPlan(accountId, plans.starter()).kind());
        assertEquals(PlanChange.Kind.DOWNGRADE_CANCELLED, ledger().plans().assignPlan(accountId, plans.professional()).kind());

        assertEquals(600, available(accountId));
        assertEquals(2, entries(accountId).size());
        assertInvariants(accountId);
    }

    @Test
    default void endingAndRestartingAPlanWithinAPeriodDoesNotGrantTheUpgradeTwice() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));
        assertEquals(PlanChange.Kind.UPGRADED, ledger().plans().assignPlan(accountId, plans.professional()).kind());

        ledger().plans().endPlan(accountId);
        ledger().plans().assignPlan(accountId, plans.starter());
        PlanChange again = ledger().plans().assignPlan(accountId, plans.professional());

        assertEquals(plans.professional(), ledger().getAccount(accountId).orElseThrow().planId());
        assertEquals(600, available(accountId), "this period's allowance already reached 600, yet: " + again);
        assertInvariants(accountId);
    }

    @Test
    default void assigningAPlanAfterThePeriodEndedAppliesItFromTheNextPeriod() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(FEB.plus(Duration.ofDays(2)));
        ledger().expireDue();
        AccountState before = state(accountId);

        PlanChange change = ledger().plans().assignPlan(accountId, plans.enterprise());

        assertEquals(PlanChange.Kind.ASSIGNED, change.kind());
        assertEquals(plans.enterprise(), change.planId());
        assertTrue(change.granted().isEmpty());
        assertSameCredits(before, accountId);
        assertEquals(before.entries(), entries(accountId));
        assertEquals(1500, credits(startOk(accountId, FEB.plus(Duration.ofDays(1)), MAR).granted()));
        assertInvariants(accountId);
    }

    @Test
    default void endingAPlanStopsFurtherAllowancesButKeepsWhatWasGranted() {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        startOk(accountId, START, FEB);
        clock().set(START.plus(Duration.ofDays(10)));

        PlanChange change = ledger().plans().endPlan(accountId);

        assertEquals(PlanChange.Kind.ENDED, change.kind());
        assertEquals(plans.starter(), change.previousPlanId());
        assertNull(change.planId());
        assertNull(ledger().getAccount(accountId).orElseThrow().planId());
        assertEquals(200, available(accountId), "ending a plan took its allowance away");

        clock().set(FEB);
        ledger().expireDue();
        AccountState before = state(accountId);
        assertEquals(PeriodResult.Status.NO_PLAN, ledger().plans().startPeriod(accountId, FEB, MAR).status());
        assertUnchanged(before, accountId);
        assertEquals(0, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void anUnknownOrInactivePlanCannotBeAssigned() {
        PlanIds plans = plans();
        String retired = uniqueId("retired");
        ledger().plans().savePlan(Plan.of(retired, "Retired", 100).withActive(false));
        String accountId = openOnPlan(plans.starter());

        assertThrowsUnchanged(UnknownPlanException.class, accountId,
                () -> ledger().plans().assignPlan(accountId, uniqueId("none")));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().plans().assignPlan(accountId, retired));
        assertThrows(UnknownAccountException.class, () -> ledger().plans().assignPlan(newAccountId(), plans.starter()));
        assertEquals(plans.starter(), ledger().getAccount(accountId).orElseThrow().planId());
    }

    @Test
    default void concurrentWebhooksForOnePeriodStartItOnce() throws Exception {
        PlanIds plans = plans();
        String accountId = openOnPlan(plans.starter());
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());

        List<PeriodResult> results = concurrently(8, i -> () -> ledgers.get(i % 2).plans().startPeriod(accountId, START, FEB));

        assertEquals(1, results.stream().filter(r -> r.status() == PeriodResult.Status.STARTED).count(),
                results::toString);
        assertEquals(7, results.stream().filter(r -> r.status() == PeriodResult.Status.ALREADY_STARTED).count(),
                results::toString);
        assertEquals(200, available(accountId));
        assertEquals(1, entries(accountId).size());
        assertInvariants(accountId);
    }
}
