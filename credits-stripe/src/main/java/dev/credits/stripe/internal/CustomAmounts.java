package dev.credits.stripe.internal;

import dev.credits.Money;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * The metadata of a custom-amount checkout: what was sold (credits, credit type, promotion) and the price it was
 * quoted at. Not API: {@code StripeCredits} documents the keys.
 */
public final class CustomAmounts {
    /** Credits bought. */
    public static final String CREDITS_KEY = "credits_custom_credits";
    /** Their credit type. */
    public static final String CREDIT_TYPE_KEY = "credits_credit_type";
    /** The promotion code applied, if any. */
    public static final String PROMOTION_KEY = "credits_promotion_code";
    /** The price quoted and charged, {@code "<amount> <ISO currency>"}. */
    public static final String QUOTED_PRICE_KEY = "credits_quoted_price";

    private CustomAmounts() {
    }

    static String encode(Money money) {
        return money.amount().toPlainString() + " " + money.currency().getCurrencyCode();
    }

    /** @throws IllegalArgumentException if malformed */
    static Money decode(String text) {
        String[] parts = text.trim().split(" ");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not '<amount> <currency>': " + text);
        }
        return new Money(new BigDecimal(parts[0]), Currency.getInstance(parts[1]));
    }
}
