package dev.credits;

/**
 * Where a purchase stands. PENDING -> COMPLETED | FAILED, exactly once; a purchase above the policy's approval
 * threshold starts as PENDING_APPROVAL -> PENDING | COMPLETED (approved) | REJECTED, exactly once.
 */
public enum PurchaseStatus {
    /** Recorded, payment not yet confirmed: its credits are not on the account. */
    PENDING,
    /** Paid: its credits were granted. */
    COMPLETED,
    /** The payment failed: nothing was granted. */
    FAILED,
    /** Large: waits for {@link Orgs#approvePurchase} or {@link Orgs#rejectPurchase}; nothing was granted. */
    PENDING_APPROVAL,
    /** Rejected by an approver: nothing was granted, nothing will be. */
    REJECTED
}
