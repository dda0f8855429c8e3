package dev.credits;

import java.time.Instant;
import java.util.Map;

/**
 * Credits reserved for work in flight. Immutable snapshot.
 *
 * @param holdId           the hold's id
 * @param accountId        the account
 * @param creditType       the balance it holds from
 * @param featureKey       the feature it is for
 * @param quantity         units reserved
 * @param unitPrice        credits per unit at the time of reservation (a commit charges this price)
 * @param pricePlanId      the plan whose own price {@code unitPrice} is, or null for the feature's price
 * @param amount           credits reserved
 * @param status           its state; an open hold past its deadline reads as {@link HoldStatus#EXPIRED}
 * @param userId           who asked, or null
 * @param idempotencyKey   the key of the reserve call, or null
 * @param metadata         the host's key/value notes
 * @param createdAt        when it was placed
 * @param expiresAt        its deadline: past it the hold releases itself
 * @param resolvedAt       when it left OPEN, or null
 * @param committedCredits credits charged by the commit (0 unless COMMITTED)
 * @param transactionId    the deduction entry its commit wrote, or null
 */
public record Hold(String holdId, String accountId, String creditType, String featureKey, long quantity,
                   long unitPrice, String pricePlanId, long amount, HoldStatus status, String userId, String idempotencyKey,
                   Map<String, String> metadata, Instant createdAt, Instant expiresAt, Instant resolvedAt,
                   long committedCredits, String transactionId) {

    public Hold {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** @return whether this open hold has passed its deadline at {@code now} */
    public boolean isDueAt(Instant now) {
        return status == HoldStatus.OPEN && !now.isBefore(expiresAt);
    }

    /** @return a copy in a terminal state */
    public Hold resolved(HoldStatus newStatus, Instant at, long committed, String commitTransactionId) {
        return new Hold(holdId, accountId, creditType, featureKey, quantity, unitPrice, pricePlanId, amount, newStatus, userId,
                idempotencyKey, metadata, createdAt, expiresAt, at, committed, commitTransactionId);
    }
}
