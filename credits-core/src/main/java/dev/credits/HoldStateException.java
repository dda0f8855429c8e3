package dev.credits;

/**
 * A hold cannot make the requested move from its current state, e.g. committing a hold that was released
 * or expired, or committing a hold a second time with a different amount. Nothing was changed.
 */
public final class HoldStateException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String holdId;
    private final HoldStatus status;

    public HoldStateException(String holdId, HoldStatus status, String message) {
        super("hold '" + holdId + "' is " + status + ": " + message);
        this.holdId = holdId;
        this.status = status;
    }

    public String holdId() {
        return holdId;
    }

    /** @return the hold's state when the call was refused */
    public HoldStatus status() {
        return status;
    }
}
