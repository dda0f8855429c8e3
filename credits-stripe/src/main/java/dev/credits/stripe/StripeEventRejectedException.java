package dev.credits.stripe;

import dev.credits.CreditsException;

/**
 * A verified event cannot be applied: it names an account that does not exist, a package or plan credits does
 * not know, carries no account at all, or the ledger refuses it. Nothing was changed.
 *
 * <p>Answer with a non-2xx status (e.g. 409) and alert someone: Stripe retries non-2xx deliveries for up to three
 * days, so once the cause is fixed (the account opened, the mapping added) a retry applies it. A
 * {@link Reason#PURCHASE_REJECTED} or {@link Reason#PURCHASE_STATE_CONFLICT} usually means money was taken that
 * credits will not honour: refund it by hand.
 */
public final class StripeEventRejectedException extends CreditsException {
    private static final long serialVersionUID = 1L;

    /** Why the event was rejected. */
    public enum Reason {
        /**
         * The event carries no account id (no {@code client_reference_id} and no account metadata) and names no
         * subscription it could be resolved through.
         */
        MISSING_ACCOUNT,
        /** The account named by the event does not exist in the ledger. */
        UNKNOWN_ACCOUNT,
        /** A payment-mode checkout event without the package metadata key. */
        MISSING_PACKAGE,
        /** The package named by the event does not exist in the ledger. */
        UNKNOWN_PACKAGE,
        /** No plan could be derived: no plan metadata and no mapped price id. */
        MISSING_PLAN,
        /** The plan named by the event (or mapped from its price) does not exist, or is inactive. */
        UNKNOWN_PLAN,
        /** An invoice without a service period. */
        MISSING_PERIOD,
        /** The ledger rejected the purchase (e.g. inactive package, plan cannot buy credits); see the message. */
        PURCHASE_REJECTED,
        /** The purchase is already in the opposite final state (paid event for a failed purchase or vice versa). */
        PURCHASE_STATE_CONFLICT,
        /**
         * A refund ({@code charge.refunded}) or dispute ({@code charge.dispute.created/closed}) of a payment intent
         * that paid no purchase credits has recorded, and that credits cannot tell apart from a purchase whose
         * checkout event is late (it is not remembered as a subscription invoice's payment). Answer non-2xx: Stripe
         * redelivers it, and once the checkout event is applied the redelivery applies it.
         */
        UNKNOWN_PURCHASE,
        /**
         * An invoice or subscription event without the account metadata whose subscription is not linked to an
         * account yet: its subscription checkout has not been applied. Answer non-2xx: Stripe redelivers it, and
         * once the checkout is applied the redelivery resolves the account through the remembered link.
         */
        UNKNOWN_SUBSCRIPTION
    }

    private final String eventId;
    private final String eventType;
    private final Reason reason;

    /**
     * @param eventId   the event id
     * @param eventType the event type
     * @param reason    why
     * @param message   details
     * @param cause     the ledger's exception, or null
     */
    public StripeEventRejectedException(String eventId, String eventType, Reason reason, String message,
                                        Throwable cause) {
        super("event " + eventId + " (" + eventType + ") rejected, " + reason + ": " + message, cause);
        this.eventId = eventId;
        this.eventType = eventType;
        this.reason = reason;
    }

    /** @return the event id */
    public String eventId() {
        return eventId;
    }

    /** @return the event type */
    public String eventType() {
        return eventType;
    }

    /** @return why the event was rejected */
    public Reason reason() {
        return reason;
    }
}
