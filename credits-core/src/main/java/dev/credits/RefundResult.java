package dev.credits;

/**
 * What {@link CreditLedger#refundCredits} did.
 *
 * @param transactionId         the refund's own entry
 * @param originalTransactionId the deduction refunded
 * @param accountId             the account
 * @param creditsRefunded       credits given back by this call
 * @param totalRefunded         credits given back for the original so far, this call included
 * @param remainingCredits      available credits after the call
 * @param sequence              the account's sequence number after the call
 * @param replayed              true when this is the stored result of an earlier call with the same key
 */
public record RefundResult(String transactionId, String originalTransactionId, String accountId,
                           long creditsRefunded, long totalRefunded, long remainingCredits, long sequence,
                           boolean replayed) {
}
