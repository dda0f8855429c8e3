package dev.credits.stripe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A payment intent as carried by a {@code payment_intent.*} webhook event (see
 * {@link StripeEvent#paymentIntent()}). Amounts are in the currency's smallest unit.
 *
 * @param id             {@code pi_...}
 * @param status         e.g. {@code succeeded}, {@code processing}, {@code requires_payment_method}, or null
 * @param amount         the amount to collect
 * @param amountReceived the amount collected
 * @param currency       lower-case ISO code, or null
 * @param customerId     {@code cus_...}, or null
 * @param latestChargeId {@code ch_...}, or null
 * @param metadata       the payment intent's metadata (empty if none)
 */
public record StripePaymentIntent(String id, String status, long amount, long amountReceived, String currency,
                                  String customerId, String latestChargeId, Map<String, String> metadata) {

    public StripePaymentIntent {
        Objects.requireNonNull(id, "id");
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
