package dev.credits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A promotion code: a discount (percentage or fixed amount) and/or bonus credits on a purchase, valid in a time
 * window, optionally limited to some packages and to a number of uses. Immutable; start with
 * {@link #of(String)}.
 *
 * <pre>{@code
 * ledger.commerce().savePromotion(Promotion.of("SPRING20")
 *         .withPercentOff(new BigDecimal("20"))
 *         .withBonusCredits(50)
 *         .withWindow(start, end)
 *         .withPackageIds(Set.of("professional"))
 *         .withMaxUses(1000)
 *         .withMaxUsesPerAccount(1));
 * }</pre>
 *
 * @param code              what the buyer types (not blank, at most 128 characters)
 * @param description       free text, or null
 * @param percentOff        a discount in percent of the price (after bulk discounts), above 0 and at most 100, with
 *                          at most {@value Money#MAX_SCALE} decimals, or null
 * @param amountOff         a fixed discount (after the percentage), or null; never takes the price below 0
 * @param bonusCredits      extra credits granted with the purchase, at least 0
 * @param validFrom         first instant it can be used (inclusive), or null for always; kept to the millisecond,
 *                          within [{@link CreditLedger#MIN_INSTANT}, {@link CreditLedger#MAX_INSTANT}]
 * @param validUntil        end of its window (exclusive), or null for never; kept like {@code validFrom}
 * @param packageIds        the packages it applies to; empty for every package and custom amounts
 * @param maxUses           how many purchases may use it in total (0: no limit)
 * @param maxUsesPerAccount how many purchases of one account may use it (0: no limit)
 * @param active            whether it can be used
 * @param uses              purchases that used it so far (kept by the store; ignored when saving)
 * @param planIds           the plans whose accounts may use it; empty for every account, with a plan or without
 */
public record Promotion(String code, String description, BigDecimal percentOff, Money amountOff, long bonusCredits,
                        Instant validFrom, Instant validUntil, Set<String> packageIds, long maxUses,
                        long maxUsesPerAccount, boolean active, long uses, Set<String> planIds) {

    public Promotion {
        packageIds = packageIds == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(packageIds));
        planIds = planIds == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(planIds));
    }

    /** A promotion open to every plan. */
    public Promotion(String code, String description, BigDecimal percentOff, Money amountOff, long bonusCredits,
                     Instant validFrom, Instant validUntil, Set<String> packageIds, long maxUses,
                     long maxUsesPerAccount, boolean active, long uses) {
        this(code, description, percentOff, amountOff, bonusCredits, validFrom, validUntil, packageIds, maxUses,
                maxUsesPerAccount, active, uses, Set.of());
    }

    /** @return a copy only accounts on one of these plans may use (empty: every account) */
    public Promotion withPlanIds(Set<String> value) {
        return new Promotion(code, description, percentOff, amountOff, bonusCredits, validFrom, validUntil,
                packageIds, maxUses, maxUsesPerAccount, active, uses, value);
    }

    /** @return an active promotion without any effect yet: add one with the {@code with...} methods */
    public static Promotion of(String code) {
        return new Promotion(code, null, null, null, 0, null, null, Set.of(), 0, 0, true, 0, Set.of());
    }

    public Promotion withDescription(String value) {
        return new Promotion(code, value, percentOff, amountOff, bonusCredits, validFrom, validUntil, packageIds,
                maxUses, maxUsesPerAccount, active, uses, planIds);
    }

    public Promotion withPercentOff(BigDecimal value) {
        return new Promotion(code, description, value, amountOff, bonusCredits, validFrom, validUntil, packageIds,
                maxUses, maxUsesPerAccount, active, uses, planIds);
    }

    public Promotion withAmountOff(Money value) {
        return new Promotion(code, description, percentOff, value, bonusCredits, validFrom, validUntil, packageIds,
                maxUses, maxUsesPerAccount, active, uses, planIds);
    }

    public Promotion withBonusCredits(long value) {
        return new Promotion(code, description, percentOff, amountOff, value, validFrom, validUntil, packageIds,
                maxUses, maxUsesPerAccount, active, uses, planIds);
    }

    /** @return a copy valid in {@code [from, until)}; either may be null for open-ended */
    public Promotion withWindow(Instant from, Instant until) {
        return new Promotion(code, description, percentOff, amountOff, bonusCredits, from, until, packageIds,
                maxUses, maxUsesPerAccount, active, uses, planIds);
    }

    public Promotion withPackageIds(Set<String> value) {
        return new Promotion(code, description, percentOff, amountOff, bonusCredits, validFrom, validUntil, value,
                maxUses, maxUsesPerAccount, active, uses, planIds);
    }

    public Promotion withMaxUses(long value) {
        return new Promotion(code, description, percentOff, amountOff, bonusCredits, validFrom, validUntil,
                packageIds, value, maxUsesPerAccount, active, uses, planIds);
    }

    public Promotion withMaxUsesPerAccount(long value) {
        return new Promotion(code, description, percentOff, amountOff, bonusCredits, validFrom, validUntil,
                packageIds, maxUses, value, active, uses, planIds);
    }

    public Promotion withActive(boolean value) {
        return new Promotion(code, description, percentOff, amountOff, bonusCredits, validFrom, validUntil,
                packageIds, maxUses, maxUsesPerAccount, value, uses, planIds);
    }

    /** @return a copy with a use count (stores use it when reading) */
    public Promotion withUses(long value) {
        return new Promotion(code, description, percentOff, amountOff, bonusCredits, validFrom, validUntil,
                packageIds, maxUses, maxUsesPerAccount, active, value, planIds);
    }
}
