package dev.credits;

/**
 * An administrator's removal of credits ({@link Admin#removeCredits}). Immutable; start with
 * {@link #of(String, long, String)}.
 *
 * @param accountId      the account
 * @param credits        credits to remove, at least 1
 * @param creditType     the balance; default {@value CreditLedger#DEFAULT_CREDIT_TYPE}
 * @param reason         why (required: it stands on the entry for whoever reads the history)
 * @param allowDebt      whether the removal may take the available balance below the overdraft limit (what the lots
 *                       lack becomes debt the next grant pays first); default false: such a removal is rejected
 * @param idempotencyKey makes the call safe to retry, or null
 */
public record CreditAdjustment(String accountId, long credits, String creditType, String reason, boolean allowDebt,
                               String idempotencyKey) {

    /** @return a removal of {@code credits} default credits that may not record debt */
    public static CreditAdjustment of(String accountId, long credits, String reason) {
        return new CreditAdjustment(accountId, credits, CreditLedger.DEFAULT_CREDIT_TYPE, reason, false, null);
    }

    /** @return this removal from another credit type */
    public CreditAdjustment withCreditType(String value) {
        return new CreditAdjustment(accountId, credits, value, reason, allowDebt, idempotencyKey);
    }

    /** @return this removal allowed to record debt */
    public CreditAdjustment allowingDebt() {
        return new CreditAdjustment(accountId, credits, creditType, reason, true, idempotencyKey);
    }

    /** @return this removal with an idempotency key */
    public CreditAdjustment withIdempotencyKey(String value) {
        return new CreditAdjustment(accountId, credits, creditType, reason, allowDebt, value);
    }
}
