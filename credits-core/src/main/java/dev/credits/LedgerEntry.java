package dev.credits;

import java.time.Instant;
import java.util.Map;

/**
 * One immutable line of the ledger: one change of one balance.
 *
 * @param transactionId  the entry's id (what {@link CreditLedger#refundCredits} takes)
 * @param accountId      the account
 * @param sequence       the account's sequence number of the change that wrote it (monotonic per account;
 *                       holds also take numbers, so gaps are normal)
 * @param type           the kind of entry
 * @param creditType     the balance it changed
 * @param amount         the signed change of the balance
 * @param balanceAfter   the balance (held credits included) right after it
 * @param featureKey     the feature charged or refunded, or null
 * @param quantity       units charged (deductions), else 0
 * @param unitPrice      credits per unit charged (deductions), else 0: later price changes never rewrite it
 * @param pricePlanId    the plan whose own price was charged (deductions), or null for the feature's price
 * @param retryNumber    for a deduction that retries another: which retry of the original it is (1, 2, ...);
 *                       else 0
 * @param userId         who used it (deductions), or null
 * @param holdId         the hold a deduction committed, or null
 * @param referenceId    for a refund the transaction it refunds; for a retry the original deduction; for an
 *                       expiry the grant whose lot expired; else null
 * @param reason         a free-text reason (refunds, grants), or null
 * @param idempotencyKey the key of the call that wrote it, or null
 * @param metadata       the host's key/value notes
 * @param createdAt      when it was written
 */
public record LedgerEntry(String transactionId, String accountId, long sequence, EntryType type,
                          String creditType, long amount, long balanceAfter, String featureKey, long quantity,
                          long unitPrice, String pricePlanId, int retryNumber, String userId, String holdId, String referenceId, String reason,
                          String idempotencyKey, Map<String, String> metadata, Instant createdAt) {

    public LedgerEntry {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
