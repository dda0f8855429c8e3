package dev.credits.stripe;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A subscription as carried by a {@code customer.subscription.*} webhook event (see
 * {@link StripeEvent#subscription()}; the changed fields' old values are in
 * {@link StripeEvent#previousAttributes()}).
 *
 * <p>The price is the first item's ({@code items.data[0].price.id}, else its {@code plan.id}, else the
 * top-level {@code plan.id} of old API versions). The current period is the first item's
 * ({@code items.data[0].current_period_start/end}, newer API versions), else the top-level
 * {@code current_period_start/end} (older ones).
 *
 * @param id                 {@code sub_...}
 * @param customerId         {@code cus_...}, or null
 * @param status             {@code active}, {@code trialing}, {@code past_due}, {@code canceled},
 *                           {@code unpaid}, {@code incomplete}, {@code incomplete_expired}, {@code paused}, or null
 * @param metadata           the subscription's metadata (empty if none)
 * @param cancelAtPeriodEnd  true if it is set to end at the end of the current period
 * @param cancelAt           when it is scheduled to end, or null
 * @param canceledAt         when cancellation was requested, or null
 * @param endedAt            when it ended, or null
 * @param priceId            {@code price_...} of the first item, or null
 * @param currentPeriodStart the current period's start, or null
 * @param currentPeriodEnd   its end, or null
 */
public record StripeSubscription(String id, String customerId, String status, Map<String, String> metadata,
                                 boolean cancelAtPeriodEnd, Instant cancelAt, Instant canceledAt, Instant endedAt,
                                 String priceId, Instant currentPeriodStart, Instant currentPeriodEnd) {

    public StripeSubscription {
        Objects.requireNonNull(id, "id");
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
