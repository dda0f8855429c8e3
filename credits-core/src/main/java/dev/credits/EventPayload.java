package dev.credits;

import java.time.Instant;

/**
 * What a {@link CreditEvent} says, one record per {@link EventType}; switch on it with a pattern. Immutable.
 */
public sealed interface EventPayload {

    /** @return the type this payload belongs to */
    EventType type();

    /**
     * An entry was posted: enough to drive a live balance or a sync stream.
     *
     * @param transactionId the entry's transaction id
     * @param entryType     grant, deduction, refund, expiry, clawback, ...
     * @param amount        credits added (negative: taken)
     * @param balanceAfter  the credit type's balance after it
     * @param featureKey    the feature it priced, or null
     * @param referenceId   the transaction it refers to (a refund's deduction, an expiry's grant), or null
     */
    record EntryPosted(String transactionId, EntryType entryType, long amount, long balanceAfter, String featureKey,
                       String referenceId) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.ENTRY_POSTED;
        }
    }

    /**
     * The available balance fell to or below the threshold.
     *
     * @param available the available balance now
     * @param threshold the threshold it crossed
     */
    record BalanceLow(long available, long threshold) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.BALANCE_LOW;
        }
    }

    /**
     * The available balance rose above threshold + margin after a {@link BalanceLow}.
     *
     * @param available the available balance now
     * @param threshold the low-balance threshold
     */
    record BalanceRecovered(long available, long threshold) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.BALANCE_RECOVERED;
        }
    }

    /**
     * The available balance reached zero or less from above zero.
     *
     * @param available the available balance now (negative in overdraft)
     */
    record BalanceDepleted(long available) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.BALANCE_DEPLETED;
        }
    }

    /**
     * A lot's credits expire soon; announced once per lot, by the sweep.
     *
     * @param lotId     the lot
     * @param credits   its remaining credits when announced
     * @param expiresAt when they expire
     */
    record CreditsExpiringSoon(String lotId, long credits, Instant expiresAt) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.CREDITS_EXPIRING_SOON;
        }
    }

    /**
     * A lot expired.
     *
     * @param lotId         the lot
     * @param credits       the credits that expired (what paid a debt instead does not count)
     * @param transactionId the EXPIRY entry's transaction id
     */
    record CreditsExpired(String lotId, long credits, String transactionId) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.CREDITS_EXPIRED;
        }
    }

    /**
     * A purchase completed.
     *
     * @param purchaseId the purchase
     * @param credits    the credits it granted, bonus included
     * @param lotId      the lot it granted
     */
    record PurchaseCompleted(String purchaseId, long credits, String lotId) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.PURCHASE_COMPLETED;
        }
    }

    /**
     * A pending purchase failed.
     *
     * @param purchaseId the purchase
     * @param reason     why, as the host said
     */
    record PurchaseFailed(String purchaseId, String reason) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.PURCHASE_FAILED;
        }
    }

    /**
     * A purchase's approval changed: it now awaits approval ({@link PurchaseStatus#PENDING_APPROVAL}), was approved
     * (its new status is {@link PurchaseStatus#PENDING} or {@link PurchaseStatus#COMPLETED}) or was rejected
     * ({@link PurchaseStatus#REJECTED}).
     *
     * @param purchaseId the purchase
     * @param status     its status after the change
     * @param approver   the id of who approved or rejected it, or null while it awaits approval
     * @param reason     why it was rejected, or null
     */
    record PurchaseApproval(String purchaseId, PurchaseStatus status, String approver, String reason)
            implements EventPayload {
        @Override
        public EventType type() {
            return EventType.PURCHASE_APPROVAL;
        }
    }

    /**
     * An allowance period started.
     *
     * @param planId      the account's plan
     * @param periodStart the period's first instant
     * @param periodEnd   the instant it ends (exclusive)
     */
    record PeriodStarted(String planId, Instant periodStart, Instant periodEnd) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.PERIOD_STARTED;
        }
    }

    /**
     * A hold timed out and its credits returned.
     *
     * @param holdId  the hold
     * @param credits the credits it held
     */
    record HoldExpired(String holdId, long credits) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.HOLD_EXPIRED;
        }
    }

    /**
     * A user's dispute of a charge was submitted, taken for review, resolved or rejected (003's "dispute status
     * updates"; see {@link ChargeDispute}).
     *
     * @param disputeId        the dispute
     * @param transactionId    the charge disputed
     * @param status           where it stands now
     * @param creditsRequested credits the user asked back
     * @param creditsRefunded  credits refunded (when resolved), else 0
     */
    record ChargeDisputeChanged(String disputeId, String transactionId, ChargeDisputeStatus status,
                                long creditsRequested, long creditsRefunded) implements EventPayload {
        @Override
        public EventType type() {
            return EventType.CHARGE_DISPUTE_CHANGED;
        }
    }
}
