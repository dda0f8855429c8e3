package dev.credits;

/**
 * What {@link CreditLedger#commit} did.
 *
 * @param hold             the hold, now COMMITTED
 * @param transactionId    the deduction entry written (what a refund takes)
 * @param creditsCharged   credits deducted
 * @param creditsReleased  credits of the hold given back
 * @param remainingCredits available credits after the call
 * @param sequence         the account's sequence number after the call
 */
public record CommitResult(Hold hold, String transactionId, long creditsCharged, long creditsReleased,
                           long remainingCredits, long sequence) {
}
