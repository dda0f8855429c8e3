package dev.credits.stripe;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An invoice as carried by an {@code invoice.*} webhook event (see {@link StripeEvent#invoice()}).
 *
 * <p>Where the fields come from, newest API shape first:
 * <ul>
 *   <li>subscription id: {@code parent.subscription_details.subscription}, else the top-level
 *       {@code subscription}, else the subscription line's subscription;</li>
 *   <li>subscription metadata: {@code parent.subscription_details.metadata}, else
 *       {@code subscription_details.metadata};</li>
 *   <li>period and price: from the subscription line, i.e. the line of {@code lines.data} that belongs to the
 *       subscription and is not a proration (preferred in that order when there are several);
 *       {@code lines.data[].period.start/end}; price from {@code pricing.price_details.price}, else
 *       {@code price.id}, else {@code plan.id}. The period falls back to the invoice's
 *       {@code period_start/period_end} only if no line has a period.</li>
 * </ul>
 *
 * @param id                   {@code in_...}
 * @param customerId           {@code cus_...}, or null
 * @param status               {@code draft}, {@code open}, {@code paid}, {@code uncollectible}, {@code void}, or null
 * @param billingReason        e.g. {@code subscription_create}, {@code subscription_cycle},
 *                             {@code subscription_update}, {@code manual}, or null
 * @param amountPaid           in the currency's smallest unit, or null
 * @param currency             lower-case ISO code, or null
 * @param subscriptionId       {@code sub_...}, or null for an invoice outside a subscription
 * @param subscriptionMetadata the subscription's metadata as of the invoice (empty if none)
 * @param periodStart          the start of the service period the invoice pays for, or null
 * @param periodEnd            its end, or null
 * @param priceId              the subscription line's price, {@code price_...}, or null
 * @param metadata             the invoice's own metadata (empty if none)
 * @param paymentIntentId      the payment intent that paid it, {@code pi_...}, or null (the top-level
 *                             {@code payment_intent} of API versions before 2025-03-31.basil; newer ones name it in
 *                             {@code invoice_payment.paid})
 */
public record StripeInvoice(String id, String customerId, String status, String billingReason, Long amountPaid,
                            String currency, String subscriptionId, Map<String, String> subscriptionMetadata,
                            Instant periodStart, Instant periodEnd, String priceId, Map<String, String> metadata,
                            String paymentIntentId) {

    public StripeInvoice {
        Objects.requireNonNull(id, "id");
        subscriptionMetadata = subscriptionMetadata == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(subscriptionMetadata));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
