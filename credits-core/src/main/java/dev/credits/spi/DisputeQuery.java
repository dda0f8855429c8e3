package dev.credits.spi;

import dev.credits.ChargeDisputeStatus;

import java.time.Instant;

/**
 * A read of disputes of charges ({@link dev.credits.ChargeDispute}) across accounts: every condition set must hold;
 * ordered by {@code submittedAt}, then dispute id, oldest first, after the keyset cursor.
 *
 * @param disputeId     one dispute, or null
 * @param accountId     one account's, or null
 * @param status        in this status, or null
 * @param from          submitted at or after, or null
 * @param to            submitted before, or null
 * @param afterSubmittedAt the cursor: after this submission time (with {@code afterDisputeId}), or null for the first
 *                      page
 * @param afterDisputeId the cursor's dispute id, or null
 * @param limit         at most this many
 */
public record DisputeQuery(String disputeId, String accountId, ChargeDisputeStatus status, Instant from, Instant to,
                           Instant afterSubmittedAt, String afterDisputeId, int limit) {
}
