package dev.credits;

/** No hold has this id. */
public final class UnknownHoldException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String holdId;

    public UnknownHoldException(String holdId) {
        super("unknown hold '" + holdId + "'");
        this.holdId = holdId;
    }

    public String holdId() {
        return holdId;
    }
}
