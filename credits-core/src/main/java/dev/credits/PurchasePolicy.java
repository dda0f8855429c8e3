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
 */
public record PurchasePolicy(Money creditRate, Money minimumPurchase, long maxCreditsPerPurchase,
                             List<BulkDiscount> bulkDiscounts, Map<String, Period> customAmountValidity) {

    /** No credit rate, no minimum, no maximum, no bulk discounts, custom amounts never expire. */
    public static final PurchasePolicy DEFAULT = new PurchasePolicy(null, null, 0, List.of(), Map.of());

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
        return new PurchasePolicy(creditRate, minimumPurchase, maxCreditsPerPurchase, bulkDiscounts, copy);
    }

    public PurchasePolicy withCreditRate(Money value) {
        return new PurchasePolicy(value, minimumPurchase, maxCreditsPerPurchase, bulkDiscounts,
                customAmountValidity);
    }

    public PurchasePolicy withMinimumPurchase(Money value) {
        return new PurchasePolicy(creditRate, value, maxCreditsPerPurchase, bulkDiscounts,
                customAmountValidity);
    }

    public PurchasePolicy withMaxCreditsPerPurchase(long value) {
        return new PurchasePolicy(creditRate, minimumPurchase, value, bulkDiscounts,
                customAmountValidity);
    }

    public PurchasePolicy withBulkDiscounts(List<BulkDiscount> value) {
        return new PurchasePolicy(creditRate, minimumPurchase, maxCreditsPerPurchase, value,
                customAmountValidity);
    }
}
