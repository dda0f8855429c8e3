package dev.credits;

import java.time.Period;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of buying credits, set on the ledger with {@link CreditLedger.Builder#purchasePolicy}. Checked
 * before anything is written. Immutable; start with {@link #DEFAULT}.
 *
 * <pre>{@code
 * PurchasePolicy.DEFAULT
 *         .withCreditRate(Money.of("0.10", "USD"))          // 1 credit = $0.10 for custom amounts
 *         .withMinimumPurchase(Money.of("5.00", "USD"))
 *         .withMaxCreditsPerPurchase(10_000)
 *         .withBulkDiscounts(List.of(BulkDiscount.of(1_000, "10"), BulkDiscount.of(5_000, "20")));
 * }</pre>
 *
 * @param creditRate            the price of one credit when buying a custom amount, or null (custom amounts
 *                              cannot be bought)
 * @param minimumPurchase       the least a purchase may cost at list price (before discounts), or null
 * @param maxCreditsPerPurchase the most credits one purchase may buy, before bonus credits (0: no limit)
 * @param bulkDiscounts         discount tiers by credits bought (packages and custom amounts alike)
 * @param customAmountValidity  how long credits bought as a custom amount stay valid, by credit type (a type not
 *                              listed never expires), as a package's validity does
 * @param approvalThreshold     purchases of more credits than this (before bonus credits) wait for an approval
 *                              ({@link Orgs#approvePurchase}) and grant nothing until then (0: none waits)
 * @param approvalPrice         purchases costing more than this (in its currency) wait for an approval too, or null
 */
public record PurchasePolicy(Money creditRate, Money minimumPurchase, long maxCreditsPerPurchase,
                             List<BulkDiscount> bulkDiscounts, Map<String, Period> customAmountValidity,
                             long approvalThreshold, Money approvalPrice) {

    /** No credit rate, no minimum, no maximum, no bulk discounts, custom amounts never expire, no approvals. */
    public static final PurchasePolicy DEFAULT = new PurchasePolicy(null, null, 0, List.of(), Map.of());

    /** A policy without approvals. */
    public PurchasePolicy(Money creditRate, Money minimumPurchase, long maxCreditsPerPurchase,
                          List<BulkDiscount> bulkDiscounts, Map<String, Period> customAmountValidity) {
        this(creditRate, minimumPurchase, maxCreditsPerPurchase, bulkDiscounts, customAmountValidity, 0, null);
    }

    /**
     * @return a copy under which purchases of more than {@code credits} credits, or costing more than {@code price}
     *         (null: no money threshold), wait for an approval
     */
    public PurchasePolicy withApprovalAbove(long credits, Money price) {
        if (credits < 0) {
            throw new InvalidArgumentException("approvalThreshold", "must not be negative: " + credits);
        }
        return new PurchasePolicy(creditRate, minimumPurchase, maxCreditsPerPurchase, bulkDiscounts,
                customAmountValidity, credits, price);
    }

    /** @return whether a purchase of {@code credits} credits at {@code cost} waits for an approval */
    public boolean needsApproval(long credits, Money cost) {
        return (approvalThreshold > 0 && credits > approvalThreshold)
                || (approvalPrice != null && cost != null && cost.currency().equals(approvalPrice.currency())
                && cost.amount().compareTo(approvalPrice.amount()) > 0);
    }

    public PurchasePolicy {
        bulkDiscounts = bulkDiscounts == null ? List.of() : List.copyOf(bulkDiscounts);
        customAmountValidity = customAmountValidity == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(customAmountValidity));
    }

    /** A policy whose custom amounts never expire. */
    public PurchasePolicy(Money creditRate, Money minimumPurchase, long maxCreditsPerPurchase,
                          List<BulkDiscount> bulkDiscounts) {
        this(creditRate, minimumPurchase, maxCreditsPerPurchase, bulkDiscounts, Map.of());
    }

    /** @return a copy whose custom amounts of {@code creditType} stay valid for {@code validity} (e.g. 12 months) */
    public PurchasePolicy withCustomAmountValidity(String creditType, Period validity) {
        Map<String, Period> copy = new LinkedHashMap<>(customAmountValidity);
        copy.put(creditType, validity);
        return new PurchasePolicy(creditRate, minimumPurchase, maxCreditsPerPurchase, bulkDiscounts, copy,
                approvalThreshold, approvalPrice);
    }

    public PurchasePolicy withCreditRate(Money value) {
        return new PurchasePolicy(value, minimumPurchase, maxCreditsPerPurchase, bulkDiscounts,
                customAmountValidity, approvalThreshold, approvalPrice);
    }

    public PurchasePolicy withMinimumPurchase(Money value) {
        return new PurchasePolicy(creditRate, value, maxCreditsPerPurchase, bulkDiscounts,
                customAmountValidity, approvalThreshold, approvalPrice);
    }

    public PurchasePolicy withMaxCreditsPerPurchase(long value) {
        return new PurchasePolicy(creditRate, minimumPurchase, value, bulkDiscounts,
                customAmountValidity, approvalThreshold, approvalPrice);
    }

    public PurchasePolicy withBulkDiscounts(List<BulkDiscount> value) {
        return new PurchasePolicy(creditRate, minimumPurchase, maxCreditsPerPurchase, value,
                customAmountValidity, approvalThreshold, approvalPrice);
    }
}
