package dev.credits;

import java.util.Map;

/**
 * What {@link Plans#assignPlan} or {@link Plans#endPlan} did.
 *
 * @param accountId      the account
 * @param kind           what happened
 * @param previousPlanId the plan before the call, or null
 * @param planId         the plan in effect after the call, or null
 * @param nextPlanId     a plan scheduled for the next period, or null
 * @param granted        credits granted now by an upgrade, by credit type (empty otherwise)
 * @param sequence       the account's sequence number after the call
 */
public record PlanChange(String accountId, Kind kind, String previousPlanId, String planId, String nextPlanId,
                         Map<String, Long> granted, long sequence) {

    public PlanChange {
        granted = granted == null ? Map.of() : Map.copyOf(granted);
    }

    /** The kinds of plan change. */
    public enum Kind {
        /** The account had no current period: the plan applies from the next {@code startPeriod}. */
        ASSIGNED,
        /** Mid-period to a plan with a larger allowance: switched now, the difference granted until period end. */
        UPGRADED,
        /** Mid-period to a plan with no larger allowance: it takes over at the next {@code startPeriod}. */
        DOWNGRADE_SCHEDULED,
        /** The account's current plan again while a downgrade was scheduled: the downgrade is cancelled. */
        DOWNGRADE_CANCELLED,
        /** Nothing changed: the account is already on the plan, or the plan is already scheduled as its next. */
        UNCHANGED,
        /** The plan was removed: no further allowances; what was granted stays until it expires. */
        ENDED
    }
}
