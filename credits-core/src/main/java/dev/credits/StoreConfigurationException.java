package dev.credits;

/**
 * The store cannot work safely with the database or connections it was given, and refuses before changing
 * anything: for example a connection that is already inside a transaction the store did not begin (committing it
 * would commit the host's own pending work), or an embedded database that acknowledges commits before they are
 * written. The message says what to pass or configure instead. Retrying does not help; fix the configuration.
 */
public final class StoreConfigurationException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public StoreConfigurationException(String message) {
        super(message);
    }
}
