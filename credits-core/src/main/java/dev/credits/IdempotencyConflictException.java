package dev.credits;

/**
 * An idempotency key was used again with a different request. The first request's effect stands; this
 * one was not applied.
 */
public final class IdempotencyConflictException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String accountId;
    private final String idempotencyKey;

    public IdempotencyConflictException(String accountId, String idempotencyKey) {
        super("idempotency key '" + idempotencyKey + "' of account '" + accountId
                + "' was already used for a different request");
        this.accountId = accountId;
        this.idempotencyKey = idempotencyKey;
    }

    public String accountId() {
        return accountId;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }
}
