package dev.credits;

import java.math.BigDecimal;
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
 * @param canBuyCredits whether accounts on this plan may buy credits (false for a free tier); a credit type listed
 *                      in {@code creditAccess} follows its own rule instead
 * @param active        whether accounts can be moved onto it; accounts already on it keep it
 * @param creditAccess  per credit type, whether its accounts may buy it and spend it; a type not listed may be
 *                      bought if {@code canBuyCredits} and may always be spent
 * @param creditRate    the price of one credit of a custom amount for accounts on this plan (instead of the purchase
 *                      policy's), or null
 * @param purchasePercentOff a discount in percent on packages and custom amounts bought by accounts on this plan
 *                      (after bulk discounts, before promotions), above 0 and at most 100, or null
 */
public record Plan(String planId, String name, Money monthlyPrice, Map<String, Long> allowances, long rolloverCap,
                   boolean canBuyCredits, boolean active, Map<String, CreditAccess> creditAccess, Money creditRate,
                   BigDecimal purchasePercentOff) {

    public Plan {
        // A copy, so the plan stays immutable; null entries are kept for the ledger to reject clearly.
        allowances = allowances == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(allowances));
        creditAccess = creditAccess == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(creditAccess));
    }

    /** A plan without rules per credit type, own credit rate or purchase discount. */
    public Plan(String planId, String name, Money monthlyPrice, Map<String, Long> allowances, long rolloverCap,
                boolean canBuyCredits, boolean active) {
        this(planId, name, monthlyPrice, allowances, rolloverCap, canBuyCredits, active, Map.of(), null, null);
    }

    /** @return whether accounts on this plan may buy credits of the type */
    public boolean canBuy(String creditType) {
        CreditAccess access = creditAccess.get(creditType);
        return access == null ? canBuyCredits : access.canBuy();
    }

    /** @return whether accounts on this plan may spend credits of the type */
    public boolean canSpend(String creditType) {
        CreditAccess access = creditAccess.get(creditType);
        return access == null || access.canSpend();
    }

    /** @return a copy whose accounts may (or may not) buy and spend {@code creditType} */
    public Plan withCreditAccess(String creditType, boolean canBuy, boolean canSpend) {
        Map<String, CreditAccess> copy = new LinkedHashMap<>(creditAccess);
        copy.put(creditType, new CreditAccess(canBuy, canSpend));
        return new Plan(planId, name, monthlyPrice, allowances, rolloverCap, canBuyCredits, active, copy, creditRate,
                purchasePercentOff);
    }

    /** @return a copy whose accounts buy custom amounts at {@code value} a credit (null: the policy's rate) */
    public Plan withCreditRate(Money value) {
        return new Plan(planId, name, monthlyPrice, allowances, rolloverCap, canBuyCredits, active, creditAccess, value,
                purchasePercentOff);
    }

    /** @return a copy whose accounts get {@code value} percent off packages and custom amounts (null: none) */
    public Plan withPurchasePercentOff(BigDecimal value) {
        return new Plan(planId, name, monthlyPrice, allowances, rolloverCap, canBuyCredits, active, creditAccess,
                creditRate, value);
    }

    /** @return an active plan granting {@code monthlyAllowance} of the default credit type, no rollover */
    public static Plan of(String planId, String name, long monthlyAllowance) {
        return new Plan(planId, name, null, Map.of(CreditLedger.DEFAULT_CREDIT_TYPE, monthlyAllowance), 0, true,
                true, Map.of(), null, null);
    }

    /** @return the allowance of one credit type (0 if it has none) */
    public long allowance(String creditType) {
        Long credits = allowances.get(creditType);
        return credits == null ? 0 : credits;
    }

    public Plan withName(String value) {
        return new Plan(planId, value, monthlyPrice, allowances, rolloverCap, canBuyCredits, active, creditAccess,
                creditRate, purchasePercentOff);
    }

    public Plan withMonthlyPrice(Money value) {
        return new Plan(planId, name, value, allowances, rolloverCap, canBuyCredits, active, creditAccess,
                creditRate, purchasePercentOff);
    }

    /** @return a copy granting {@code credits} of {@code creditType} each period */
    public Plan withAllowance(String creditType, long credits) {
        Map<String, Long> copy = new LinkedHashMap<>(allowances);
        copy.put(creditType, credits);
        return new Plan(planId, name, monthlyPrice, copy, rolloverCap, canBuyCredits, active, creditAccess,
                creditRate, purchasePercentOff);
    }

    public Plan withRolloverCap(long value) {
        return new Plan(planId, name, monthlyPrice, allowances, value, canBuyCredits, active, creditAccess,
                creditRate, purchasePercentOff);
    }

    public Plan withCanBuyCredits(boolean value) {
        return new Plan(planId, name, monthlyPrice, allowances, rolloverCap, value, active, creditAccess,
                creditRate, purchasePercentOff);
    }

    public Plan withActive(boolean value) {
        return new Plan(planId, name, monthlyPrice, allowances, rolloverCap, canBuyCredits, value, creditAccess,
                creditRate, purchasePercentOff);
    }
}
