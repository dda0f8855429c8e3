package dev.credits;

/**
 * What {@link CreditLedger#charge} did: either the work ran and was billed, or the reservation was
 * rejected and the work never ran.
 *
 * @param success   whether the work ran and its credits were committed
 * @param reason    why the reservation was rejected, or null on success
 * @param value     what the work returned, or null when rejected
 * @param commit    the commit, or null when rejected
 * @param required  credits the work costs
 * @param available available credits after the call (before it, when rejected)
 * @param <T>       the work's result type
 */
public record ChargeResult<T>(boolean success, RejectionReason reason, T value, CommitResult commit,
                              long required, long available) {
}
