package dev.credits.stripe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A charge as carried by a {@code charge.*} webhook event, e.g. {@code charge.refunded} (see
 * {@link StripeEvent#charge()}). Amounts are in the currency's smallest unit, zero or more, and
 * {@code amount_refunded} is at most {@code amount} (else the view is a {@link WebhookPayloadException}). Rely on
 * {@link #amountRefunded()} (cumulative): webhook payloads do not list the refunds themselves.
 *
 * @param id              {@code ch_...}
 * @param paymentIntentId {@code pi_...}, or null
 * @param amount          the charged amount
 * @param amountRefunded  refunded so far, cumulative over all refunds
 * @param amountCaptured  captured so far
 * @param refunded        true if fully refunded
 * @param currency        lower-case ISO code, or null
 * @param metadata        the charge's metadata (empty if none)
 * @param customerId      {@code cus_...}, or null
 * @param invoiceId       the invoice the charge paid, {@code in_...}, or null (API versions before 2025-03-31.basil
 *                        carry it; newer ones name an invoice's payments in {@code invoice_payment.*} events)
 */
public record StripeCharge(String id, String paymentIntentId, long amount, long amountRefunded, long amountCaptured,
                           boolean refunded, String currency, Map<String, String> metadata, String customerId,
                           String invoiceId) {

    public StripeCharge {
        Objects.requireNonNull(id, "id");
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
