package dev.credits;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A grant of credits onto a new lot. Immutable; start with {@link #of(String, long)} and add the rest with
 * the {@code with...} methods.
 *
 * <pre>{@code
 * ledger.grant(GrantRequest.of("org_42", 100)
 *         .withSource(LotSource.PURCHASE)
 *         .withExpiresAt(now.plus(365, ChronoUnit.DAYS))
 *         .withMoneyPaid(Money.of("19.99", "USD"))
 *         .withIdempotencyKey("stripe:pi_123"));
 * }</pre>
 *
 * @param accountId      the account
 * @param amount         credits, at least 1
 * @param creditType     the balance; default {@value CreditLedger#DEFAULT_CREDIT_TYPE}
 * @param source         where they come from; default {@link LotSource#ADMIN}
 * @param priority       burn-down priority, lower spent first; default {@value #DEFAULT_PRIORITY}
 * @param expiresAt      expiry, or null (default) for never; kept to the millisecond (a finer part is dropped), at
 *                       most {@link CreditLedger#MAX_INSTANT}
 * @param moneyPaid      what was paid, or null
 * @param reason         free text for the ledger entry, or null
 * @param metadata       the host's key/value notes (default empty)
 * @param idempotencyKey makes the call safe to retry, or null
 */
public record GrantRequest(String accountId, long amount, String creditType, LotSource source, int priority,
                           Instant expiresAt, Money moneyPaid, String reason, Map<String, String> metadata,
                           String idempotencyKey) {

    /** The priority of a grant that does not set one. A plan's allowance uses 0 so it is spent first. */
    public static final int DEFAULT_PRIORITY = 100;

    public GrantRequest {
        // A copy, so the request stays immutable; null entries are kept for the ledger to reject clearly.
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public static GrantRequest of(String accountId, long amount) {
        return new GrantRequest(accountId, amount, CreditLedger.DEFAULT_CREDIT_TYPE, LotSource.ADMIN,
                DEFAULT_PRIORITY, null, null, null, Map.of(), null);
    }

    public GrantRequest withCreditType(String value) {
        return new GrantRequest(accountId, amount, value, source, priority, expiresAt, moneyPaid, reason, metadata,
                idempotencyKey);
    }

    public GrantRequest withSource(LotSource value) {
        return new GrantRequest(accountId, amount, creditType, value, priority, expiresAt, moneyPaid, reason,
                metadata, idempotencyKey);
    }

    public GrantRequest withPriority(int value) {
        return new GrantRequest(accountId, amount, creditType, source, value, expiresAt, moneyPaid, reason, metadata,
                idempotencyKey);
    }

    public GrantRequest withExpiresAt(Instant value) {
        return new GrantRequest(accountId, amount, creditType, source, priority, value, moneyPaid, reason, metadata,
                idempotencyKey);
    }

    public GrantRequest withMoneyPaid(Money value) {
        return new GrantRequest(accountId, amount, creditType, source, priority, expiresAt, value, reason, metadata,
                idempotencyKey);
    }

    public GrantRequest withReason(String value) {
        return new GrantRequest(accountId, amount, creditType, source, priority, expiresAt, moneyPaid, value,
                metadata, idempotencyKey);
    }

    public GrantRequest withMetadata(Map<String, String> value) {
        return new GrantRequest(accountId, amount, creditType, source, priority, expiresAt, moneyPaid, reason, value,
                idempotencyKey);
    }

    public GrantRequest withIdempotencyKey(String value) {
        return new GrantRequest(accountId, amount, creditType, source, priority, expiresAt, moneyPaid, reason,
                metadata, value);
    }
}
