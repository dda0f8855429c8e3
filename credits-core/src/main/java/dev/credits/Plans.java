package dev.credits;

import dev.credits.internal.Observation;
import dev.credits.internal.PlanRules;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Subscriptions, reached with {@link CreditLedger#plans()}: plans and their allowances per credit type,
 * putting an account on a plan (an upgrade now, a downgrade at the next period), and starting each allowance
 * period from the billing system's renewal. Every rule lives in the ledger; thread-safe like the ledger.
 *
 * <pre>{@code
 * ledger.plans().assignPlan("org_42", "pro");
 * ledger.plans().startPeriod("org_42", periodStart, periodEnd); // from invoice.paid, once per period
 * }</pre>
 */
public final class Plans {
    private final Observation observation;
    private final PlanRules rules;

    Plans(Observation observation, PlanRules rules) {
        this.observation = observation;
        this.rules = rules;
    }

    /** Inserts the plan, or replaces the one with the same id. @return it as stored */
    public Plan savePlan(Plan plan) {
        return observation.call("plans.savePlan", null, () -> rules.savePlan(plan));
    }

    /** @return the plan, or empty */
    public Optional<Plan> getPlan(String planId) {
        return observation.call("plans.getPlan", null, () -> rules.getPlan(planId));
    }

    /** @return every plan, ordered by id */
    public List<Plan> listPlans() {
        return observation.call("plans.listPlans", null, () -> rules.listPlans());
    }

    /**
     * Puts the account on a plan. Outside a current period the plan simply applies from the next
     * {@link #startPeriod}. Inside one (now in {@code [periodStart, periodEnd)}):
     * <ul>
     * <li>an <b>upgrade</b> (some credit type's allowance grows) switches now and grants the difference of each
     * growing allowance in full, priority 0, expiring at the period's end;</li>
     * <li>a <b>downgrade</b> (no allowance grows) is scheduled: the account keeps its plan and allowance until
     * the next {@code startPeriod}, which grants the new plan's allowance;</li>
     * <li>the same plan again cancels a scheduled downgrade.</li>
     * </ul>
     *
     * @throws UnknownPlanException        if there is no such plan
     * @throws InvalidArgumentException    if the plan is inactive
     * @throws UnknownAccountException     if the account does not exist
     */
    public PlanChange assignPlan(String accountId, String planId) {
        return observation.call("plans.assignPlan", accountId, () -> rules.assignPlan(accountId, planId));
    }

    /**
     * As {@link #assignPlan(String, String)}, recording in the same step that the plan comes from the billing system's
     * subscription {@code subscriptionId} (e.g. Stripe's {@code sub_...}), even when the plan does not change: a
     * customer who subscribes again to the same plan makes the new subscription the account's, and
     * {@link #endPlan(String, String)} of the old one then changes nothing.
     *
     * @throws UnknownPlanException        if there is no such plan
     * @throws InvalidArgumentException    if the plan is inactive or an id is malformed
     * @throws UnknownAccountException     if the account does not exist
     */
    public PlanChange assignPlan(String accountId, String planId, String subscriptionId) {
        return rules.assignPlan(accountId, planId, subscriptionId);
    }

    /**
     * Takes the account off its plan because the subscription {@code subscriptionId} ended: as
     * {@link #endPlan(String)} when the account's plan records that subscription (or none), and nothing at all
     * ({@link PlanChange.Kind#UNCHANGED}) when it records another one (an older subscription of the same customer
     * ended after a new one began).
     *
     * @throws UnknownAccountException if the account does not exist
     */
    public PlanChange endPlan(String accountId, String subscriptionId) {
        return rules.endPlan(accountId, subscriptionId);
    }

    /**
     * Takes the account off its plan (a cancelled subscription): no further allowances; what was granted stays
     * until it expires.
     *
     * @throws UnknownAccountException if the account does not exist
     */
    public PlanChange endPlan(String accountId) {
        return observation.call("plans.endPlan", accountId, () -> rules.endPlan(accountId));
    }

    /**
     * Starts an allowance period {@code [start, end)}: what a billing webhook calls each cycle. One atomic step:
     * a scheduled downgrade takes over, the unused allowance of the previous period expires, up to the plan's
     * rollover cap of it carries over onto a new lot, and the plan's allowance is granted (source
     * {@link LotSource#SUBSCRIPTION}, priority 0 so it is spent before purchased credits, expiring at
     * {@code end}). Keyed by (account, start): a second call for the same period does nothing
     * ({@link PeriodResult.Status#ALREADY_STARTED}); a period that starts before the current one, or has
     * already ended, changes nothing ({@link PeriodResult.Status#STALE}), so late or repeated webhooks are
     * harmless.
     *
     * @throws InvalidArgumentException if {@code end} is not after {@code start}, or either is outside
     *                                  [{@link CreditLedger#MIN_INSTANT}, {@link CreditLedger#MAX_INSTANT}] (both are
     *                                  kept to the millisecond)
     * @throws UnknownAccountException  if the account does not exist
     */
    public PeriodResult startPeriod(String accountId, Instant start, Instant end) {
        return observation.call("plans.startPeriod", accountId, () -> rules.startPeriod(accountId, start, end));
    }

    /**
     * Starts an allowance period {@code [start, end)} on the plan {@code planId}: what a billing webhook calls when
     * its invoice names the plan the period was paid for. One atomic step, decided under the account's lock: a
     * period that was started before ({@link PeriodResult.Status#ALREADY_STARTED}) or that is stale
     * ({@link PeriodResult.Status#STALE}) changes nothing, not even the plan, so a late or redelivered invoice of an
     * older plan never moves the account back; otherwise the account is put on {@code planId} from this period on
     * (replacing a scheduled downgrade) and the period starts as {@link #startPeriod(String, Instant, Instant)}
     * does, the rollover following the plan the previous period was on.
     *
     * @throws UnknownPlanException     if there is no such plan
     * @throws InvalidArgumentException if the plan is inactive, or as {@link #startPeriod(String, Instant, Instant)}
     * @throws UnknownAccountException  if the account does not exist
     */
    public PeriodResult startPeriod(String accountId, String planId, Instant start, Instant end) {
        return observation.call("plans.startPeriod", accountId, () -> rules.startPeriod(accountId, planId, start, end));
    }
}
