package dev.credits.stripe;

import java.util.Objects;

/**
 * A Checkout Session just created by {@link StripeClient#createCheckoutSession}: send the customer to
 * {@link #url()}. What happens next arrives by webhook ({@link StripeCheckoutSession}).
 *
 * @param id  {@code cs_...}
 * @param url the hosted payment page, or null (embedded sessions have none)
 */
public record CheckoutSession(String id, String url) {

    public CheckoutSession {
        Objects.requireNonNull(id, "id");
    }
}
