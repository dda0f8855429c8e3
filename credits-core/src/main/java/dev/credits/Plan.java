package dev.credits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A subscription plan: a monthly allowance of credits per credit type, granted by
 * {@link Plans#startPeriod} each billing period. Immutable; start with {@link #of(String, String, long)}.
 *
 * <pre>{@code
 * ledger.plans().savePlan(Plan.of("professional", "Professional", 600)
 *         .withMonthlyPrice(Money.of("49.00", "USD"))
 *         .withRolloverCap(300));
 * }</pre>
 *
 * @param planId        the plan's id (not blank, at most 128 characters)
 * @param name          a display name
 * @param monthlyPrice  what it costs a month (informational; billing is the host's), or null
 * @param allowances    credits granted each period, by credit type (a type may be 0)
 * @param rolloverCap   at most this many unused allowance credits of each type move into the next period
 *                      (0: none roll over)
 * @param canBuyCredits whether accounts on this plan may buy credits (false for a free tier)
 * @param active        whether accounts can be moved onto it; accounts already on it keep it
 */
public record Plan(String planId, String name, Money monthlyPrice, Map<String, Long> allowances, long rolloverCap,
                   boolean canBuyCredits, boolean active) {

    public Plan {
        // A copy, so the plan stays immutable; null entries are kept for the ledger to reject clearly.
        allowances = allowances == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(allowances));
    }

    /** @return an active plan granting {@code monthlyAllowance} of the default credit type, no rollover */
    public static Plan of(String planId, String name, long monthlyAllowance) {
        return new Plan(planId, name, null, Map.of(CreditLedger.DEFAULT_CREDIT_TYPE, monthlyAllowance), 0, true,
                true);
    }

    /** @return the allowance of one credit type (0 if it has none) */
    public long allowance(String creditType) {
        Long credits = allowances.get(creditType);
        return credits == null ? 0 : credits;
    }

    public Plan withName(String value) {
        return new Plan(planId, value, monthlyPrice, allowances, rolloverCap, canBuyCredits, active);
    }

    public Plan withMonthlyPrice(Money value) {
        return new Plan(planId, name, value, allowances, rolloverCap, canBuyCredits, active);
    }

    /** @return a copy granting {@code credits} of {@code creditType} each period */
    public Plan withAllowance(String creditType, long credits) {
        Map<String, Long> copy = new LinkedHashMap<>(allowances);
        copy.put(creditType, credits);
        return new Plan(planId, name, monthlyPrice, copy, rolloverCap, canBuyCredits, active);
    }

    public Plan withRolloverCap(long value) {
        return new Plan(planId, name, monthlyPrice, allowances, value, canBuyCredits, active);
    }

    public Plan withCanBuyCredits(boolean value) {
        return new Plan(planId, name, monthlyPrice, allowances, rolloverCap, value, active);
    }

    public Plan withActive(boolean value) {
        return new Plan(planId, name, monthlyPrice, allowances, rolloverCap, canBuyCredits, value);
    }
}
