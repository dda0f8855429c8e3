package dev.credits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deduction for using a feature. Immutable; start with {@link #of(String, String)}.
 *
 * <pre>{@code
 * ledger.deductCredits(DeductRequest.of("org_42", "virtual_staging")
 *         .withQuantity(2)
 *         .withUserId("user_7")
 *         .withIdempotencyKey(requestId));
 * }</pre>
 *
 * @param accountId      the account
 * @param featureKey     the feature in the price list
 * @param quantity       units used, at least 1 (default 1); cost = credits per unit x quantity
 * @param userId         who used it, or null
 * @param metadata       the host's key/value notes (default empty)
 * @param idempotencyKey makes the call safe to retry, or null
 * @param retryOf        the deduction this one retries (e.g. a generation the user did not like), or null: the
 *                       feature's first {@link FeaturePricing#freeRetries()} retries of one original are free; a
 *                       retry uses at most the original's quantity
 */
public record DeductRequest(String accountId, String featureKey, long quantity, String userId,
                            Map<String, String> metadata, String idempotencyKey, String retryOf) {

    public DeductRequest {
        // A copy, so the request stays immutable; null entries are kept for the ledger to reject clearly.
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public static DeductRequest of(String accountId, String featureKey) {
        return new DeductRequest(accountId, featureKey, 1, null, Map.of(), null, null);
    }

    public DeductRequest withQuantity(long value) {
        return new DeductRequest(accountId, featureKey, value, userId, metadata, idempotencyKey, retryOf);
    }

    public DeductRequest withUserId(String value) {
        return new DeductRequest(accountId, featureKey, quantity, value, metadata, idempotencyKey, retryOf);
    }

    public DeductRequest withMetadata(Map<String, String> value) {
        return new DeductRequest(accountId, featureKey, quantity, userId, value, idempotencyKey, retryOf);
    }

    public DeductRequest withIdempotencyKey(String value) {
        return new DeductRequest(accountId, featureKey, quantity, userId, metadata, value, retryOf);
    }

    /** @return a copy that retries the deduction {@code originalTransactionId} */
    public DeductRequest withRetryOf(String originalTransactionId) {
        return new DeductRequest(accountId, featureKey, quantity, userId, metadata, idempotencyKey,
                originalTransactionId);
    }
}
