package dev.credits.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credits.stripe.internal.EventParser;
import dev.credits.stripe.internal.StripeObjects;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A Stripe webhook event: the envelope plus the object it carries, with typed views of the objects credits
 * uses ({@link #checkoutSession()}, {@link #invoice()}, {@link #subscription()}, {@link #charge()},
 * {@link #dispute()}, {@link #paymentIntent()}, {@link #invoicePayment()}). Get one from {@link WebhookVerifier#verifyAndParse}.
 *
 * <p>Only the fields credits uses are read; unknown fields are ignored, and both older and newer API shapes
 * are understood (the typed views say where they look). The fields that are read are checked: one with another
 * JSON type than Stripe sends, an amount below zero, an integer beyond a {@code long} or a timestamp outside
 * 1970-9999, or an expandable field that is neither an id nor an object with a string {@code id}, makes the view
 * throw {@link WebhookPayloadException}. Immutable: the JSON accessors return copies.
 *
 * @param id                 the event id, {@code evt_...}; deliveries of the same event share it
 * @param type               the event type, e.g. {@code checkout.session.completed}
 * @param created            when the event happened, unix seconds (0 if absent)
 * @param apiVersion         the API version the payload is rendered in, or null
 * @param livemode           true for live-mode events
 * @param objectType         {@code data.object.object}, e.g. {@code invoice}, or null if absent
 * @param object             {@code data.object}
 * @param previousAttributes {@code data.previous_attributes} (the changed fields' old values, in
 *                           {@code *.updated} events), or null if absent
 */
public record StripeEvent(String id, String type, long created, String apiVersion, boolean livemode,
                          String objectType, JsonNode object, JsonNode previousAttributes) {

    public StripeEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(object, "object");
        object = object.deepCopy();
        previousAttributes = previousAttributes == null || previousAttributes.isNull() ? null
                : previousAttributes.deepCopy();
    }

    /**
     * Parses a payload WITHOUT checking its signature. Only for payloads whose origin is established
     * otherwise (e.g. an event fetched from the Stripe API, or a test); webhook endpoints must use
     * {@link WebhookVerifier#verifyAndParse}.
     *
     * @param json an event, as JSON
     * @return the event
     * @throws WebhookPayloadException if it is not a readable event
     */
    public static StripeEvent parseUnverified(String json) {
        return EventParser.parse(Objects.requireNonNull(json, "json").getBytes(StandardCharsets.UTF_8));
    }

    /** @return a copy of {@code data.object} */
    @Override
    public JsonNode object() {
        return object.deepCopy();
    }

    /** @return a copy of {@code data.previous_attributes}, or null */
    @Override
    public JsonNode previousAttributes() {
        return previousAttributes == null ? null : previousAttributes.deepCopy();
    }

    /** @return {@link #created()} as an instant */
    public Instant createdAt() {
        return Instant.ofEpochSecond(created);
    }

    /**
     * @return the Checkout Session of a {@code checkout.session.*} event
     * @throws WebhookPayloadException if {@code data.object} is not a {@code checkout.session}
     */
    public StripeCheckoutSession checkoutSession() {
        return StripeObjects.checkoutSession(expect("checkout.session"));
    }

    /**
     * @return the invoice of an {@code invoice.*} event
     * @throws WebhookPayloadException if {@code data.object} is not an {@code invoice}
     */
    public StripeInvoice invoice() {
        return StripeObjects.invoice(expect("invoice"));
    }

    /**
     * @return the subscription of a {@code customer.subscription.*} event
     * @throws WebhookPayloadException if {@code data.object} is not a {@code subscription}
     */
    public StripeSubscription subscription() {
        return StripeObjects.subscription(expect("subscription"));
    }

    /**
     * @return the charge of a {@code charge.*} event (e.g. {@code charge.refunded})
     * @throws WebhookPayloadException if {@code data.object} is not a {@code charge}
     */
    public StripeCharge charge() {
        return StripeObjects.charge(expect("charge"));
    }

    /**
     * @return the dispute of a {@code charge.dispute.*} event
     * @throws WebhookPayloadException if {@code data.object} is not a {@code dispute}
     */
    public StripeDispute dispute() {
        return StripeObjects.dispute(expect("dispute"));
    }

    /**
     * @return the invoice payment of an {@code invoice_payment.*} event (e.g. {@code invoice_payment.paid})
     * @throws WebhookPayloadException if {@code data.object} is not an {@code invoice_payment}
     */
    public StripeInvoicePayment invoicePayment() {
        return StripeObjects.invoicePayment(expect("invoice_payment"));
    }

    /**
     * @return the payment intent of a {@code payment_intent.*} event
     * @throws WebhookPayloadException if {@code data.object} is not a {@code payment_intent}
     */
    public StripePaymentIntent paymentIntent() {
        return StripeObjects.paymentIntent(expect("payment_intent"));
    }

    private JsonNode expect(String wanted) {
        if (!wanted.equals(objectType)) {
            throw new WebhookPayloadException("event " + id + " (" + type + ") carries a " + objectType + ", not a "
                    + wanted);
        }
        return object; // the views only read it
    }
}
