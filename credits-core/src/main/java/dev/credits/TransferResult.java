package dev.credits;

/**
 * What {@link Orgs#transfer} did. A source short of available credits is a rejection value
 * ({@link RejectionReason#INSUFFICIENT_CREDITS}); nothing moved then.
 *
 * @param success          whether the credits moved
 * @param reason           why not, or null on success
 * @param fromAccountId    the source
 * @param toAccountId      the destination
 * @param credits          credits moved (0 when rejected)
 * @param outTransactionId the TRANSFER entry on the source (negative), or null when rejected
 * @param inTransactionId  the TRANSFER entry on the destination (positive), or null when rejected
 * @param fromAvailable    the source's available credits after the call (before it, when rejected)
 * @param toAvailable      the destination's available credits after the call, or 0 when rejected
 * @param replayed         true when this is the stored result of an earlier call with the same idempotency key
 */
public record TransferResult(boolean success, RejectionReason reason, String fromAccountId, String toAccountId,
                             long credits, String outTransactionId, String inTransactionId, long fromAvailable,
                             long toAvailable, boolean replayed) {
}
