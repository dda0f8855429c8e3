package dev.credits.stripe;

import dev.credits.InvalidArgumentException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to create a Checkout Session with. Immutable; start with {@link #payment} or {@link #subscription} and
 * add the rest with the {@code with...} methods.
 *
 * <pre>{@code
 * CheckoutSession session = stripe.createCheckoutSession(
 *         CheckoutSessionRequest.payment("price_123", "https://app/ok", "https://app/cancel")
 *                 .withClientReferenceId("org_42")
 *                 .withMetadata(Map.of("credits_account", "org_42", "credits_package", "pkg_1000"))
 *                 .withIdempotencyKey("checkout:org_42:" + cartId));
 * }</pre>
 *
 * <p>The metadata is sent three times over: on the session ({@code metadata[...]}) and on what it creates, the
 * payment intent ({@code payment_intent_data[metadata][...]}) or the subscription
 * ({@code subscription_data[metadata][...]}), so that later refunds, disputes and renewals can be traced back.
 *
 * @param mode              payment or subscription
 * @param priceId           the Stripe price, {@code price_...}
 * @param quantity          at least 1; default 1
 * @param successUrl        where Stripe sends the customer after paying
 * @param cancelUrl         where Stripe sends the customer who gives up
 * @param clientReferenceId the host's reference (credits puts the account id there), or null
 * @param metadata          key/value notes (keys without square brackets); default empty
 * @param customerId        an existing Stripe customer, {@code cus_...}, or null
 * @param customerEmail     prefills the email of a new customer, or null; not with a customer id
 * @param idempotencyKey    sent as the {@code Idempotency-Key} header so a retry creates no second session,
 *                          or null
 * @param extraParams       further form parameters the host adds (e.g. {@code allow_promotion_codes=true});
 *                          one that names a parameter credits sets is rejected, not silently overridden
 * @param inlinePrice       a price sent inline ({@code price_data}) instead of {@code priceId} (which is then null),
 *                          payment mode only; or null
 */
public record CheckoutSessionRequest(CheckoutMode mode, String priceId, long quantity, String successUrl,
                                     String cancelUrl, String clientReferenceId, Map<String, String> metadata,
                                     String customerId, String customerEmail, String idempotencyKey,
                                     Map<String, String> extraParams, InlinePrice inlinePrice) {

    public CheckoutSessionRequest {
        if (mode == null) {
            throw new InvalidArgumentException("mode", "must not be null");
        }
        if (inlinePrice == null) {
            requireText("priceId", priceId);
        } else if (priceId != null || mode != CheckoutMode.PAYMENT) {
            throw new InvalidArgumentException("inlinePrice", "a payment-mode session without a price id only");
        }
        requireText("successUrl", successUrl);
        requireText("cancelUrl", cancelUrl);
        if (quantity < 1) {
            throw new InvalidArgumentException("quantity", "must be at least 1: " + quantity);
        }
        if (customerId != null && customerEmail != null) {
            throw new InvalidArgumentException("customerEmail", "give a customer id or an email, not both");
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw new InvalidArgumentException("idempotencyKey", "must be 1 to 255 characters");
        }
        metadata = copy("metadata", metadata);
        for (String key : metadata.keySet()) {
            // Brackets would change the meaning of the form key metadata[<key>].
            if (key.isEmpty() || key.indexOf('[') >= 0 || key.indexOf(']') >= 0) {
                throw new InvalidArgumentException("metadata", "keys must be non-empty, without [ or ]: '" + key
                        + "'");
            }
        }
        extraParams = copy("extraParams", extraParams);
    }

    /** A request with a price id (the form before {@link #inlinePrice()} existed). */
    public CheckoutSessionRequest(CheckoutMode mode, String priceId, long quantity, String successUrl,
                                  String cancelUrl, String clientReferenceId, Map<String, String> metadata,
                                  String customerId, String customerEmail, String idempotencyKey,
                                  Map<String, String> extraParams) {
        this(mode, priceId, quantity, successUrl, cancelUrl, clientReferenceId, metadata, customerId, customerEmail,
                idempotencyKey, extraParams, null);
    }

    /**
     * @param price      the price, sent inline (e.g. a custom amount of credits as quoted)
     * @param successUrl where Stripe sends the customer after paying
     * @param cancelUrl  where Stripe sends the customer who gives up
     * @return a payment-mode request for one unit at an inline price
     */
    public static CheckoutSessionRequest payment(InlinePrice price, String successUrl, String cancelUrl) {
        return new CheckoutSessionRequest(CheckoutMode.PAYMENT, null, 1, successUrl, cancelUrl, null, Map.of(),
                null, null, null, Map.of(), price);
    }

    /**
     * @param priceId    a one-time price, {@code price_...}
     * @param successUrl where Stripe sends the customer after paying
     * @param cancelUrl  where Stripe sends the customer who gives up
     * @return a payment-mode request for one unit
     */
    public static CheckoutSessionRequest payment(String priceId, String successUrl, String cancelUrl) {
        return new CheckoutSessionRequest(CheckoutMode.PAYMENT, priceId, 1, successUrl, cancelUrl, null, Map.of(),
                null, null, null, Map.of());
    }

    /**
     * @param priceId    a recurring price, {@code price_...}
     * @param successUrl where Stripe sends the customer after subscribing
     * @param cancelUrl  where Stripe sends the customer who gives up
     * @return a subscription-mode request for one unit
     */
    public static CheckoutSessionRequest subscription(String priceId, String successUrl, String cancelUrl) {
        return new CheckoutSessionRequest(CheckoutMode.SUBSCRIPTION, priceId, 1, successUrl, cancelUrl, null,
                Map.of(), null, null, null, Map.of());
    }

    /**
     * @param value at least 1
     * @return a copy with this quantity
     */
    public CheckoutSessionRequest withQuantity(long value) {
        return new CheckoutSessionRequest(mode, priceId, value, successUrl, cancelUrl, clientReferenceId, metadata,
                customerId, customerEmail, idempotencyKey, extraParams, inlinePrice);
    }

    /**
     * @param value the host's reference, e.g. the account id
     * @return a copy with this client reference id
     */
    public CheckoutSessionRequest withClientReferenceId(String value) {
        return new CheckoutSessionRequest(mode, priceId, quantity, successUrl, cancelUrl, value, metadata,
                customerId, customerEmail, idempotencyKey, extraParams, inlinePrice);
    }

    /**
     * @param value the metadata (replaces any earlier)
     * @return a copy with this metadata
     */
    public CheckoutSessionRequest withMetadata(Map<String, String> value) {
        return new CheckoutSessionRequest(mode, priceId, quantity, successUrl, cancelUrl, clientReferenceId, value,
                customerId, customerEmail, idempotencyKey, extraParams, inlinePrice);
    }

    /**
     * @param value {@code cus_...}
     * @return a copy for this existing customer
     */
    public CheckoutSessionRequest withCustomerId(String value) {
        return new CheckoutSessionRequest(mode, priceId, quantity, successUrl, cancelUrl, clientReferenceId, metadata,
                value, customerEmail, idempotencyKey, extraParams, inlinePrice);
    }

    /**
     * @param value the customer's email
     * @return a copy with this prefilled email
     */
    public CheckoutSessionRequest withCustomerEmail(String value) {
        return new CheckoutSessionRequest(mode, priceId, quantity, successUrl, cancelUrl, clientReferenceId, metadata,
                customerId, value, idempotencyKey, extraParams, inlinePrice);
    }

    /**
     * @param value 1 to 255 characters
     * @return a copy with this idempotency key
     */
    public CheckoutSessionRequest withIdempotencyKey(String value) {
        return new CheckoutSessionRequest(mode, priceId, quantity, successUrl, cancelUrl, clientReferenceId, metadata,
                customerId, customerEmail, value, extraParams, inlinePrice);
    }

    /**
     * @param value further form parameters, already in Stripe's bracket notation (e.g.
     *              {@code automatic_tax[enabled]=true}); replaces any earlier
     * @return a copy with these extra parameters
     */
    public CheckoutSessionRequest withExtraParams(Map<String, String> value) {
        return new CheckoutSessionRequest(mode, priceId, quantity, successUrl, cancelUrl, clientReferenceId, metadata,
                customerId, customerEmail, idempotencyKey, value, inlinePrice);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(name, "must not be blank");
        }
    }

    private static Map<String, String> copy(String name, Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new InvalidArgumentException(name, "null key or value");
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }
}
