package dev.credits.stripe;

import java.util.Objects;

/**
 * A payment of an invoice as carried by an {@code invoice_payment.*} webhook event (API versions from
 * 2025-03-31.basil on; see {@link StripeEvent#invoicePayment()}). It is where newer API versions say which payment
 * intent paid an invoice. Amounts are in the currency's smallest unit.
 *
 * @param id              {@code inpay_...}
 * @param invoiceId       the invoice paid, {@code in_...}, or null
 * @param paymentType     {@code payment.type}: {@code payment_intent}, {@code charge}, ..., or null
 * @param paymentIntentId {@code payment.payment_intent}, {@code pi_...}, or null
 * @param chargeId        {@code payment.charge} (only for a charge without a payment intent), or null
 * @param status          {@code paid}, {@code open} or {@code canceled}, or null
 * @param amountPaid      the amount paid, or null
 * @param currency        lower-case ISO code, or null
 */
public record StripeInvoicePayment(String id, String invoiceId, String paymentType, String paymentIntentId,
                                   String chargeId, String status, Long amountPaid, String currency) {

    public StripeInvoicePayment {
        Objects.requireNonNull(id, "id");
    }
}
