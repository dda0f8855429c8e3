package dev.credits;

/**
 * An acknowledgement came from a ledger that no longer holds the consumer's lease (it lapsed, and another node may
 * have taken it): the cursor did not move, and the events will be delivered again, to the lease's holder.
 */
public final class LeaseLostException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String consumer) {
        super("the lease of event consumer '" + consumer + "' is not held by this ledger (it lapsed or another node"
                + " holds it); the cursor did not move, nothing was changed");
    }
}
