package dev.credits;

import java.math.BigDecimal;

/**
 * A bulk discount tier of a {@link PurchasePolicy}: buying at least {@code minCredits} credits (before bonus
 * credits) takes {@code percentOff} percent off the price. The highest tier reached applies, alone.
 *
 * @param minCredits credits bought from which the tier applies, at least 1
 * @param percentOff the discount in percent, above 0 and at most 100
 */
public record BulkDiscount(long minCredits, BigDecimal percentOff) {

    public static BulkDiscount of(long minCredits, String percentOff) {
        return new BulkDiscount(minCredits, new BigDecimal(percentOff));
    }
}
