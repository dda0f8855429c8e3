package dev.credits;

/** Where a purchase stands. PENDING -> COMPLETED | FAILED, exactly once. */
public enum PurchaseStatus {
    /** Recorded, payment not yet confirmed: its credits are not on the account. */
    PENDING,
    /** Paid: its credits were granted. */
    COMPLETED,
    /** The payment failed: nothing was granted. */
    FAILED
}
