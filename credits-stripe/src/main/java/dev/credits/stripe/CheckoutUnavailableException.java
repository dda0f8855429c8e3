package dev.credits.stripe;

import dev.credits.CreditsException;
import dev.credits.RejectionReason;

/**
 * A checkout cannot be created for this package or plan; thrown before any HTTP call, so nothing was sent to
 * Stripe. (An unknown account is a {@link dev.credits.UnknownAccountException}.)
 */
public final class CheckoutUnavailableException extends CreditsException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** The ledger has no such package. */
        UNKNOWN_PACKAGE,
        /** The package exists but no Stripe price id is mapped to it. */
        NO_PRICE_FOR_PACKAGE,
        /** The ledger would reject the purchase (inactive package, plan cannot buy credits...): see {@link #rejection()}. */
        PURCHASE_NOT_ALLOWED,
        /** The ledger has no such plan. */
        UNKNOWN_PLAN,
        /** The plan is inactive: accounts cannot be moved onto it. */
        INACTIVE_PLAN,
        /** The plan exists but no Stripe price id is mapped to it. */
        NO_PRICE_FOR_PLAN
    }

    private final Reason reason;
    private final RejectionReason rejection;

    /**
     * @param reason    why
     * @param rejection the ledger's rejection for {@link Reason#PURCHASE_NOT_ALLOWED}, else null
     * @param message   details
     */
    public CheckoutUnavailableException(Reason reason, RejectionReason rejection, String message) {
        super(reason + ": " + message);
        this.reason = reason;
        this.rejection = rejection;
    }

    /** @return why */
    public Reason reason() {
        return reason;
    }

    /** @return the ledger's rejection ({@link Reason#PURCHASE_NOT_ALLOWED}), or null */
    public RejectionReason rejection() {
        return rejection;
    }
}
