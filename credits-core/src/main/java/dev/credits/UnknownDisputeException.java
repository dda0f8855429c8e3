package dev.credits;

/** No dispute of a charge has this id. Nothing was changed. */
public final class UnknownDisputeException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String disputeId;

    public UnknownDisputeException(String disputeId) {
        super("no dispute '" + disputeId + "'; nothing was changed");
        this.disputeId = disputeId;
    }

    /** @return the id asked for */
    public String disputeId() {
        return disputeId;
    }
}
