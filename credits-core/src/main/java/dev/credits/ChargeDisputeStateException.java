package dev.credits;

/**
 * A dispute of a charge cannot make the requested move from where it stands: reviewing or resolving a closed dispute,
 * or a second open dispute of one charge. Of two concurrent moves of one dispute exactly one wins; the other gets
 * this. Nothing was changed.
 */
public final class ChargeDisputeStateException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String disputeId;
    private final ChargeDisputeStatus status;

    public ChargeDisputeStateException(String disputeId, ChargeDisputeStatus status, String message) {
        super("dispute '" + disputeId + "' is " + status + ": " + message + "; nothing was changed");
        this.disputeId = disputeId;
        this.status = status;
    }

    /** @return the dispute */
    public String disputeId() {
        return disputeId;
    }

    /** @return where it stood when the call was refused */
    public ChargeDisputeStatus status() {
        return status;
    }
}
