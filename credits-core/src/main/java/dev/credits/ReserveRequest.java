package dev.credits;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reservation (hold) of a feature's cost for work in flight. Immutable; start with
 * {@link #of(String, String)}.
 *
 * @param accountId      the account
 * @param featureKey     the feature in the price list
 * @param quantity       units to reserve, at least 1 (default 1)
 * @param timeout        how long the hold lives before it releases itself; null for the ledger's default
 *                       ({@link CreditLedger.Builder#defaultHoldTimeout(Duration)})
 * @param userId         who asked, or null
 * @param metadata       the host's key/value notes (default empty)
 * @param idempotencyKey makes the call safe to retry, or null
 * @param retryOf        the deduction this reservation retries, or null: as with
 *                       {@link DeductRequest#retryOf()}, the feature's free retries are held (and committed) at 0
 *                       credits; a retry whose hold is released gives its free slot back
 */
public record ReserveRequest(String accountId, String featureKey, long quantity, Duration timeout, String userId,
                             Map<String, String> metadata, String idempotencyKey, String retryOf) {

    public ReserveRequest {
        // A copy, so the request stays immutable; null entries are kept for the ledger to reject clearly.
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A reservation that retries nothing (the form before {@link #retryOf()} existed). */
    public ReserveRequest(String accountId, String featureKey, long quantity, Duration timeout, String userId,
                          Map<String, String> metadata, String idempotencyKey) {
        this(accountId, featureKey, quantity, timeout, userId, metadata, idempotencyKey, null);
    }

    public static ReserveRequest of(String accountId, String featureKey) {
        return new ReserveRequest(accountId, featureKey, 1, null, null, Map.of(), null, null);
    }

    /** @return a copy that retries the deduction {@code transactionId} (see {@link #retryOf()}) */
    public ReserveRequest withRetryOf(String transactionId) {
        return new ReserveRequest(accountId, featureKey, quantity, timeout, userId, metadata, idempotencyKey,
                transactionId);
    }

    public ReserveRequest withQuantity(long value) {
        return new ReserveRequest(accountId, featureKey, value, timeout, userId, metadata, idempotencyKey, retryOf);
    }

    public ReserveRequest withTimeout(Duration value) {
        return new ReserveRequest(accountId, featureKey, quantity, value, userId, metadata, idempotencyKey, retryOf);
    }

    public ReserveRequest withUserId(String value) {
        return new ReserveRequest(accountId, featureKey, quantity, timeout, value, metadata, idempotencyKey, retryOf);
    }

    public ReserveRequest withMetadata(Map<String, String> value) {
        return new ReserveRequest(accountId, featureKey, quantity, timeout, userId, value, idempotencyKey, retryOf);
    }

    public ReserveRequest withIdempotencyKey(String value) {
        return new ReserveRequest(accountId, featureKey, quantity, timeout, userId, metadata, value, retryOf);
    }
}
