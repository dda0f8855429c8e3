package dev.credits;

/** The kind of a ledger entry. Every change of a balance is exactly one entry. */
public enum EntryType {
    /** Credits granted onto a new lot (positive). */
    GRANT,
    /** Credits spent, directly or by committing a hold (negative). */
    DEDUCTION,
    /** Credits given back for an earlier deduction (positive). */
    REFUND,
    /** Credits of a lot that passed its expiry (negative). */
    EXPIRY,
    /**
     * Credits of a purchase taken back because its payment was refunded or lost in a dispute (negative);
     * references the purchase's grant. What was already spent becomes debt the next grant pays first.
     */
    CLAWBACK,
    /**
     * Credits an administrator removed (negative), taken from the account's lots in burn-down order; with
     * {@code allowDebt}, what the lots lack becomes debt. Written by {@link Admin#removeCredits}; carries its actor.
     */
    ADJUSTMENT,
    /**
     * Credits moved between two accounts of one organization ({@link Orgs#transfer}, or a member's spend drawing on
     * its pool): negative on the account they left, positive (onto new lots) on the one they reached; each side
     * references the other's entry.
     */
    TRANSFER
}
