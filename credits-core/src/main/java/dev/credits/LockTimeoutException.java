package dev.credits;

import java.time.Duration;

/**
 * The call waited longer than the store's lock timeout for an account that another transaction kept locked (a
 * long-running unit of work, a transaction left open in a database console, a stalled host transaction holding
 * the row). It was not retried: waiting again would double the bound. Nothing was changed, so the call may be
 * repeated later (with its idempotency key, if it had one). Distinct from {@link StoreUnavailableException}: the
 * database answered, the account was busy. A host usually answers {@code 503 Service Unavailable} with a
 * {@code Retry-After}.
 */
public final class LockTimeoutException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    /**
     * @param message what timed out, naming the account where known
     * @param timeout the store's lock timeout that expired
     * @param cause   the database's error
     */
    public LockTimeoutException(String message, Duration timeout, Throwable cause) {
        super(message, cause);
        this.timeout = timeout;
    }

    /** @return the lock timeout that expired (the store's setting) */
    public Duration timeout() {
        return timeout;
    }
}
