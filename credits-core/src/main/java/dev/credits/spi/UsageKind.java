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
    CLAWBACK
}
