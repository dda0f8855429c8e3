package dev.credits;

/**
 * The store could not complete the unit of work: the database is down, a connection was lost, or a
 * transient conflict persisted past the retry limit (earlier attempts are attached as suppressed
 * exceptions). Nothing is ever half-written. If the connection was lost while the database was committing,
 * the store cannot know whether the commit happened: retry such a call only with an idempotency key, which
 * makes the retry return the first result if there was one.
 */
public final class StoreUnavailableException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
