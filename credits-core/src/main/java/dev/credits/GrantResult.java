package dev.credits;

/**
 * What {@link CreditLedger#grant} did.
 *
 * @param lot          the new lot (its remaining amount is less than granted when debt was paid first)
 * @param debtPaid     credits that paid the account's overdraft debt first
 * @param balanceAfter the balance of the credit type after the grant
 * @param sequence     the account's sequence number after the call
 * @param replayed     true when this is the stored result of an earlier call with the same key
 */
public record GrantResult(Lot lot, long debtPaid, long balanceAfter, long sequence, boolean replayed) {

    /** @return the grant's ledger entry id */
    public String transactionId() {
        return lot.transactionId();
    }
}
