package dev.credits;

/** What a {@link CreditEvent} announces; each type has its own {@link EventPayload} record. */
public enum EventType {
    /** A ledger entry was posted (grant, deduction, refund, expiry, clawback, adjustment...): {@link EventPayload.EntryPosted}. */
    ENTRY_POSTED,
    /** The available balance fell to or below the low-balance threshold: {@link EventPayload.BalanceLow}. */
    BALANCE_LOW,
    /** The available balance rose above the threshold plus the recovery margin: {@link EventPayload.BalanceRecovered}. */
    BALANCE_RECOVERED,
    /** The available balance reached zero (or below) from above: {@link EventPayload.BalanceDepleted}. */
    BALANCE_DEPLETED,
    /** A lot with remaining credits expires within the notice period: {@link EventPayload.CreditsExpiringSoon}. */
    CREDITS_EXPIRING_SOON,
    /** A lot's remaining credits expired: {@link EventPayload.CreditsExpired}. */
    CREDITS_EXPIRED,
    /** A purchase completed and its credits were granted: {@link EventPayload.PurchaseCompleted}. */
    PURCHASE_COMPLETED,
    /** A pending purchase failed: {@link EventPayload.PurchaseFailed}. */
    PURCHASE_FAILED,
    /**
     * A purchase started waiting for approval, was approved or was rejected ({@link Orgs#approvePurchase},
     * {@link Orgs#rejectPurchase}): {@link EventPayload.PurchaseApproval}.
     */
    PURCHASE_APPROVAL,
    /** A plan's allowance period started (a renewal): {@link EventPayload.PeriodStarted}. */
    PERIOD_STARTED,
    /** A hold reached its deadline and was released: {@link EventPayload.HoldExpired}. */
    HOLD_EXPIRED,
    /** A user's dispute of a charge changed state ({@link EventPayload.ChargeDisputeChanged}). */
    CHARGE_DISPUTE_CHANGED
}
