package dev.credits.stripe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A dispute (chargeback) as carried by a {@code charge.dispute.*} webhook event (see
 * {@link StripeEvent#dispute()}). Amounts are in the currency's smallest unit.
 *
 * @param id              {@code dp_...}
 * @param chargeId        the disputed charge, {@code ch_...} (string or expanded object), or null
 * @param paymentIntentId {@code pi_...}, or null
 * @param amount          the disputed amount
 * @param currency        lower-case ISO code, or null
 * @param status          e.g. {@code warning_needs_response}, {@code needs_response}, {@code under_review},
 *                        {@code won}, {@code lost}, {@code warning_closed}, or null
 * @param reason          e.g. {@code fraudulent}, {@code product_not_received}, or null
 * @param metadata        the dispute's metadata (empty if none)
 */
public record StripeDispute(String id, String chargeId, String paymentIntentId, long amount, String currency,
                            String status, String reason, Map<String, String> metadata) {

    public StripeDispute {
        Objects.requireNonNull(id, "id");
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
