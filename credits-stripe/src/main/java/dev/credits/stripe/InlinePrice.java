package dev.credits.stripe;

import dev.credits.InvalidArgumentException;
import dev.credits.Money;

import java.math.RoundingMode;
import java.util.Locale;

/**
 * A price sent with the Checkout Session instead of a price id ({@code line_items[0][price_data]}): what a custom
 * amount of credits costs, as the ledger quoted it. Immutable.
 *
 * @param unitAmount  the amount (not negative, no more decimals than its currency has)
 * @param productName the name the customer sees, e.g. {@code "500 credits"}
 */
public record InlinePrice(Money unitAmount, String productName) {

    public InlinePrice {
        if (unitAmount == null || unitAmount.amount().signum() < 0) {
            throw new InvalidArgumentException("unitAmount", "must be given and not negative: " + unitAmount);
        }
        if (productName == null || productName.isBlank()) {
            throw new InvalidArgumentException("productName", "must not be blank");
        }
        minorUnits(unitAmount);
    }

    /** @return the amount in the currency's smallest unit (cents), as Stripe's {@code unit_amount} wants it */
    public long minorUnits() {
        return minorUnits(unitAmount);
    }

    /** @return the lowercase ISO code, as Stripe's {@code currency} wants it */
    public String currency() {
        return unitAmount.currency().getCurrencyCode().toLowerCase(Locale.ROOT);
    }

    private static long minorUnits(Money money) {
        int digits = Math.max(0, money.currency().getDefaultFractionDigits());
        try {
            return money.amount().movePointRight(digits).setScale(0, RoundingMode.UNNECESSARY)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("unitAmount", "not a whole number of the currency's smallest unit: "
                    + money);
        }
    }
}
