package dev.credits;

import java.time.Instant;

/**
 * The approval of a large purchase ({@link PurchasePolicy#approvalThreshold}). Immutable.
 *
 * @param paymentPending whether the approved purchase goes on to {@link PurchaseStatus#PENDING} (awaiting payment,
 *                       as requested with {@link PurchaseRequest#pending()}) rather than {@link PurchaseStatus#COMPLETED}
 * @param approver       the id of the actor who approved or rejected it, or null while it waits
 * @param decidedAt      when it was approved or rejected, or null while it waits
 * @param approved       whether it was approved (false while it waits and when rejected)
 */
public record PurchaseApproval(boolean paymentPending, String approver, Instant decidedAt, boolean approved) {

    /** @return an approval still to be decided */
    public static PurchaseApproval awaiting(boolean paymentPending) {
        return new PurchaseApproval(paymentPending, null, null, false);
    }

    /** @return this approval decided by {@code by} at {@code at} */
    public PurchaseApproval decided(String by, Instant at, boolean isApproved) {
        return new PurchaseApproval(paymentPending, by, at, isApproved);
    }
}
