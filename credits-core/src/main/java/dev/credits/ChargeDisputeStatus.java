package dev.credits;

/**
 * Where a user's dispute of one charge stands ({@link ChargeDispute}): OPEN -> UNDER_REVIEW -> RESOLVED | REJECTED,
 * each move once. Not to be confused with {@link DisputeStatus}, a card network's dispute (chargeback) of a
 * purchase's payment, which Stripe reports.
 */
public enum ChargeDisputeStatus {
    /** Submitted, waiting in the queue. */
    OPEN,
    /** A reviewer took it. */
    UNDER_REVIEW,
    /** Closed with a decision: all, part or none of the requested credits refunded. */
    RESOLVED,
    /** Closed without a refund: the claim was not accepted. */
    REJECTED;

    /** @return whether the dispute is closed (RESOLVED or REJECTED) */
    public boolean closed() {
        return this == RESOLVED || this == REJECTED;
    }
}
