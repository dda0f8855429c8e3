package dev.credits.stripe;

import dev.credits.InvalidArgumentException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-checkout options of {@link StripeCredits}. An idempotency source is required, so that retrying a
 * timed-out call never creates a second session: either an <b>attempt id</b> (the host's id for this attempt to
 * buy, e.g. a cart or button-click id; the {@code Idempotency-Key} is derived from account, package or plan,
 * and attempt id) or an explicit {@code Idempotency-Key}.
 *
 * @param attemptId      the host's id of this attempt, or null when {@code idempotencyKey} is given
 * @param idempotencyKey the exact {@code Idempotency-Key} to send, or null when {@code attemptId} is given
 * @param extraParams    further Checkout form parameters (e.g. {@code allow_promotion_codes=true}); ones credits
 *                       sets are rejected
 * @param customerId     an existing Stripe customer {@code cus_...}, or null
 * @param customerEmail  prefills the email of a new customer, or null
 */
public record CheckoutOptions(String attemptId, String idempotencyKey, Map<String, String> extraParams,
                              String customerId, String customerEmail) {

    public CheckoutOptions {
        boolean hasAttempt = attemptId != null && !attemptId.isBlank();
        boolean hasKey = idempotencyKey != null && !idempotencyKey.isBlank();
        if (hasAttempt == hasKey) {
            throw new InvalidArgumentException("attemptId", "give exactly one of an attempt id or an idempotency key");
        }
        if (attemptId != null && attemptId.length() > 200) {
            throw new InvalidArgumentException("attemptId", "at most 200 characters");
        }
        extraParams = extraParams == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraParams));
    }

    /**
     * @param attemptId the host's id of this attempt to buy (a retry of the same attempt reuses it)
     * @return options deriving the idempotency key from account, package or plan, and this id
     */
    public static CheckoutOptions attempt(String attemptId) {
        return new CheckoutOptions(attemptId, null, Map.of(), null, null);
    }

    /**
     * @param idempotencyKey the {@code Idempotency-Key} to send, 1 to 255 characters
     * @return options sending this key as is
     */
    public static CheckoutOptions idempotencyKey(String idempotencyKey) {
        return new CheckoutOptions(null, idempotencyKey, Map.of(), null, null);
    }

    /** @return a copy with these extra form parameters (replacing any earlier) */
    public CheckoutOptions withExtraParams(Map<String, String> value) {
        return new CheckoutOptions(attemptId, idempotencyKey, value, customerId, customerEmail);
    }

    /** @return a copy for this existing Stripe customer */
    public CheckoutOptions withCustomerId(String value) {
        return new CheckoutOptions(attemptId, idempotencyKey, extraParams, value, customerEmail);
    }

    /** @return a copy prefilling this email */
    public CheckoutOptions withCustomerEmail(String value) {
        return new CheckoutOptions(attemptId, idempotencyKey, extraParams, customerId, value);
    }
}
