package dev.credits;

/** A purchase cannot move as asked: completing a failed purchase, or failing a completed one. Nothing changed. */
public final class PurchaseStateException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public PurchaseStateException(String message) {
        super(message);
    }
}
