package dev.credits;

/**
 * What {@link CreditLedger#charge} did: the work ran and was billed, or the reservation was rejected and
 * the work never ran, or (a replay) an earlier charge with the same idempotency key was billed already and
 * the work did not run again.
 *
 * @param success   whether the work's credits were committed (by this call or, when replayed, the first)
 * @param reason    why the reservation was rejected, or null on success
 * @param value     what the work returned, or null when rejected or replayed (the work did not run)
 * @param commit    the commit, or null when rejected
 * @param required  credits the work costs
 * @param available available credits after the call (before it, when rejected)
 * @param replayed  true when an earlier call with the same idempotency key was billed and this one ran nothing
 * @param capExceeded the cap that turned the reservation down ({@link RejectionReason#CAP_EXCEEDED}): its account
 *                  and id, the key, the period, the limit, what was used and what remains; null otherwise
 * @param <T>       the work's result type
 */
public record ChargeResult<T>(boolean success, RejectionReason reason, T value, CommitResult commit,
                              long required, long available, boolean replayed, CapExceeded capExceeded) {

    /** A result that no cap turned down. */
    public ChargeResult(boolean success, RejectionReason reason, T value, CommitResult commit, long required,
                        long available, boolean replayed) {
        this(success, reason, value, commit, required, available, replayed, null);
    }
}
