package dev.credits;

/** No purchase has this id. Nothing was changed. */
public final class UnknownPurchaseException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public UnknownPurchaseException(String id) {
        super("unknown purchase: " + id);
    }
}
