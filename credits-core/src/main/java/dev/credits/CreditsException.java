package dev.credits;

/**
 * The root of every exception this library throws. Unchecked.
 *
 * <p>Expected business outcomes (a short balance, an unknown or inactive feature, a paused account)
 * are never exceptions: they come back as rejection values ({@link RejectionReason}). Exceptions mean a
 * programming error (bad input, an unknown id, an idempotency key reused for a different request) or an
 * infrastructure failure ({@link StoreUnavailableException}). Whenever one is thrown, the call changed
 * nothing (the one exception: a connection lost during the database's commit, see
 * {@link StoreUnavailableException}).
 */
public abstract class CreditsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected CreditsException(String message) {
        super(message);
    }

    protected CreditsException(String message, Throwable cause) {
        super(message, cause);
    }
}
