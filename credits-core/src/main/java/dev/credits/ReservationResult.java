package dev.credits;

/**
 * What {@link CreditLedger#reserve} did. A rejection is a value.
 *
 * @param success   whether credits were reserved
 * @param reason    why not, or null on success
 * @param hold      the hold, or null when rejected
 * @param required  credits the reservation needs
 * @param available available credits after the call (before it, when rejected)
 * @param sequence  the account's sequence number after the call
 * @param replayed  true when this is the stored result of an earlier call with the same key
 * @param capExceeded the cap that turned it down ({@link RejectionReason#CAP_EXCEEDED}), or null
 */
public record ReservationResult(boolean success, RejectionReason reason, Hold hold, long required,
                                long available, long sequence, boolean replayed, CapExceeded capExceeded) {

    /** A result that no cap turned down. */
    public ReservationResult(boolean success, RejectionReason reason, Hold hold, long required, long available,
                             long sequence, boolean replayed) {
        this(success, reason, hold, required, available, sequence, replayed, null);
    }
}
