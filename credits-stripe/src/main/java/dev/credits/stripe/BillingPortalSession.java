package dev.credits.stripe;

import java.util.Objects;

/**
 * A customer portal session just created by {@link StripeClient#createBillingPortalSession}: send the customer to
 * {@link #url()} to manage their subscription and payment methods. What they change arrives by webhook
 * ({@code customer.subscription.updated/deleted}).
 *
 * @param id  {@code bps_...}
 * @param url the portal page
 */
public record BillingPortalSession(String id, String url) {

    public BillingPortalSession {
        Objects.requireNonNull(id, "id");
    }
}
