package dev.credits.spi;

/** What a {@link UsageRecord} sums: which entries of the ledger it aggregates. */
public enum UsageKind {
    /** Deductions and the refunds of deductions, by feature, user and declared dimensions. */
    USAGE,
    /** Grants, by the source of the lot they made (money: what the lots cost). */
    GRANT,
    /** Expiries (money: what the expired credits cost, the breakage). */
    EXPIRY,
    /** Clawbacks of purchases (money: what the clawed-back credits cost). */
    CLAWBACK,
    /**
     * Credits that left the account for another of its organization (a transfer, or a pool lending to a member).
     * Credits that arrive are {@link #GRANT}s of source {@code TRANSFER}, without money: their cost moved, nobody paid.
     */
    TRANSFER_OUT,
    /** Credits an administrator removed (adjustments). */
    ADJUSTMENT
}
