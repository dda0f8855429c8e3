package dev.credits;

/**
 * A transfer of credits between two accounts of one organization ({@link Orgs#transfer}): an allocation carved out
 * of a pool for a department or user, or reclaimed back. Immutable; build with {@link #of} and the {@code with...}
 * methods.
 *
 * @param fromAccountId  the account the credits leave
 * @param toAccountId    the account they reach (another account of the same organization)
 * @param credits        how many (positive)
 * @param creditType     their credit type
 * @param reason         why, recorded on both entries, or null
 * @param idempotencyKey the call's idempotency key (kept on the source account), or null
 */
public record TransferRequest(String fromAccountId, String toAccountId, long credits, String creditType,
                              String reason, String idempotencyKey) {

    /** @return a transfer of default-type credits, without reason or key */
    public static TransferRequest of(String fromAccountId, String toAccountId, long credits) {
        return new TransferRequest(fromAccountId, toAccountId, credits, CreditLedger.DEFAULT_CREDIT_TYPE, null, null);
    }

    /** @return a copy moving credits of {@code type} */
    public TransferRequest withCreditType(String type) {
        return new TransferRequest(fromAccountId, toAccountId, credits, type, reason, idempotencyKey);
    }

    /** @return a copy with a reason */
    public TransferRequest withReason(String value) {
        return new TransferRequest(fromAccountId, toAccountId, credits, creditType, value, idempotencyKey);
    }

    /** @return a copy with an idempotency key */
    public TransferRequest withIdempotencyKey(String value) {
        return new TransferRequest(fromAccountId, toAccountId, credits, creditType, reason, value);
    }
}
