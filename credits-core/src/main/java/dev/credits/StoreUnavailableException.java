package dev.credits;

/**
 * The store could not complete the unit of work: the database is down, a connection was lost, or a
 * transient conflict persisted past the retry limit (earlier attempts are attached as suppressed
 * exceptions). The unit of work was rolled back; the call may be retried, ideally with the same
 * idempotency key.
 */
public final class StoreUnavailableException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
