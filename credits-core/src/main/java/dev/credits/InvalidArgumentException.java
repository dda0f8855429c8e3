package dev.credits;

/** A request argument is missing, malformed or out of range. Nothing was changed. */
public final class InvalidArgumentException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String argument;

    public InvalidArgumentException(String argument, String message) {
        super(argument + ": " + message);
        this.argument = argument;
    }

    /** @return the name of the offending argument, e.g. {@code "accountId"} or {@code "quantity"} */
    public String argument() {
        return argument;
    }
}
