package dev.credits;

/** No plan has this id. Nothing was changed. */
public final class UnknownPlanException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public UnknownPlanException(String id) {
        super("unknown plan: " + id);
    }
}
