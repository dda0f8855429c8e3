package dev.credits;

/**
 * Why a spend (check, deduction, reservation, charge) was turned down. Rejections are values, not
 * exceptions: switch on them to answer the user. Each carries the HTTP status a web host usually answers.
 */
public enum RejectionReason {
    /** The available balance (plus overdraft) is short of the cost. Usually {@code 402 Payment Required}. */
    INSUFFICIENT_CREDITS(402),
    /** No feature has this key in the price list. Usually {@code 404 Not Found}. */
    UNKNOWN_FEATURE(404),
    /** The feature exists but is switched off. Usually {@code 403 Forbidden}. */
    INACTIVE_FEATURE(403),
    /** The account is paused. Usually {@code 403 Forbidden}. */
    ACCOUNT_PAUSED(403);

    private final int httpStatus;

    RejectionReason(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** @return the HTTP status a web host usually answers with */
    public int httpStatus() {
        return httpStatus;
    }
}
