package dev.credits.stripe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Checkout Session as carried by a {@code checkout.session.*} webhook event (see
 * {@link StripeEvent#checkoutSession()}). Amounts are in the currency's smallest unit (cents), as Stripe sends
 * them. Expandable fields ({@code payment_intent}, {@code subscription}, {@code customer}, {@code invoice}) are
 * reduced to their id whether they arrive as a string or as an expanded object.
 *
 * @param id                {@code cs_...}
 * @param mode              {@code payment}, {@code subscription} or {@code setup}
 * @param paymentStatus     {@code paid}, {@code unpaid} or {@code no_payment_required}
 * @param status            {@code open}, {@code complete} or {@code expired}, or null
 * @param clientReferenceId what the session was created with (credits puts the account id there), or null
 * @param metadata          the session's metadata (empty if none)
 * @param paymentIntentId   {@code pi_...} (payment mode), or null
 * @param subscriptionId    {@code sub_...} (subscription mode), or null
 * @param customerId        {@code cus_...}, or null
 * @param invoiceId         {@code in_...}, or null
 * @param amountSubtotal    before discounts and taxes, or null
 * @param amountTotal       what the customer pays, or null
 * @param currency          lower-case ISO code, e.g. {@code usd}, or null
 * @param amountDiscount    {@code total_details.amount_discount}, or null
 */
public record StripeCheckoutSession(String id, String mode, String paymentStatus, String status,
                                    String clientReferenceId, Map<String, String> metadata, String paymentIntentId,
                                    String subscriptionId, String customerId, String invoiceId, Long amountSubtotal,
                                    Long amountTotal, String currency, Long amountDiscount) {

    public StripeCheckoutSession {
        Objects.requireNonNull(id, "id");
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * @return true if the funds are there: {@code payment_status} is {@code paid} or {@code no_payment_required}
     *         (a {@code checkout.session.completed} with {@code unpaid} means a delayed payment method: wait for
     *         {@code checkout.session.async_payment_succeeded})
     */
    public boolean isPaid() {
        return "paid".equals(paymentStatus) || "no_payment_required".equals(paymentStatus);
    }
}
