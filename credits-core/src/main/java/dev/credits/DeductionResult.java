package dev.credits;

/**
 * What {@link CreditLedger#deductCredits} did. A rejection is a value: check {@link #success()} and switch on
 * {@link #reason()}.
 *
 * @param success          whether credits were deducted
 * @param reason           why not, or null on success
 * @param accountId        the account
 * @param featureKey       the feature
 * @param transactionId    the deduction's entry (what a refund takes), or null when rejected
 * @param quantity         units charged
 * @param unitPrice        credits per unit charged
 * @param creditsDeducted  credits taken (0 when rejected)
 * @param remainingCredits available credits after the call
 * @param required         credits the deduction costs
 * @param available        available credits before the call
 * @param sequence         the account's sequence number after the call
 * @param pricePlanId      the plan whose own price was charged, or null for the feature's price
 * @param retryNumber      which retry of the original this was (1, 2, ...), or 0 when it is not a retry
 * @param replayed         true when this is the stored result of an earlier call with the same
 *                         idempotency key
 * @param capExceeded      the cap that turned it down ({@link RejectionReason#CAP_EXCEEDED}), or null
 */
public record DeductionResult(boolean success, RejectionReason reason, String accountId, String featureKey,
                              String transactionId, long quantity, long unitPrice, long creditsDeducted,
                              long remainingCredits, long required, long available, long sequence,
                              String pricePlanId, int retryNumber, boolean replayed, CapExceeded capExceeded) {

    /** A result that no cap turned down. */
    public DeductionResult(boolean success, RejectionReason reason, String accountId, String featureKey,
                           String transactionId, long quantity, long unitPrice, long creditsDeducted,
                           long remainingCredits, long required, long available, long sequence,
                           String pricePlanId, int retryNumber, boolean replayed) {
        this(success, reason, accountId, featureKey, transactionId, quantity, unitPrice, creditsDeducted,
                remainingCredits, required, available, sequence, pricePlanId, retryNumber, replayed, null);
    }
}
