package dev.credits;

import java.util.List;

/**
 * What {@link Admin#removeCredits} did. A rejection is a value: check {@link #success()}.
 *
 * @param success        whether credits were removed
 * @param reason         why not ({@link RejectionReason#INSUFFICIENT_CREDITS}), or null on success
 * @param accountId      the account
 * @param transactionId  the ADJUSTMENT entry, or null when rejected
 * @param creditsRemoved credits removed (0 when rejected)
 * @param debt           of those, what took the available balance below zero (the overdraft lot paid it: debt the
 *                       next grant pays first)
 * @param available      available credits after the call
 * @param receipt        the lots the credits came from, in burn-down order (empty when rejected)
 * @param sequence       the account's sequence number after the call
 * @param replayed       true when this is the stored result of an earlier call with the same idempotency key
 */
public record AdjustmentResult(boolean success, RejectionReason reason, String accountId, String transactionId,
                               long creditsRemoved, long debt, long available, List<Allocation> receipt,
                               long sequence, boolean replayed) {

    public AdjustmentResult {
        receipt = List.copyOf(receipt);
    }
}
