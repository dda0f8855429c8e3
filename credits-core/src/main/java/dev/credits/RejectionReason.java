package dev.credits;

/**
 * Why a spend (check, deduction, reservation, charge) or a purchase (quote, purchase) was turned down. Rejections are values, not
 * exceptions: switch on them to answer the user. Each carries the HTTP status a web host usually answers.
 */
public enum RejectionReason {
    /**
     * The available balance (plus overdraft, plus what the account's pools can lend) is short of the cost, or the
     * source of a transfer has fewer available credits than it moves. Usually {@code 402 Payment Required}.
     */
    INSUFFICIENT_CREDITS(402),
    /** No feature has this key in the price list. Usually {@code 404 Not Found}. */
    UNKNOWN_FEATURE(404),
    /** The feature exists but is switched off. Usually {@code 403 Forbidden}. */
    INACTIVE_FEATURE(403),
    /** The account is paused. Usually {@code 403 Forbidden}. */
    ACCOUNT_PAUSED(403),
    /**
     * The account's plan does not let it spend the feature's credit type (see {@link Plan#canSpend(String)}); its
     * credits of that type stay. Usually {@code 403 Forbidden}.
     */
    PLAN_CANNOT_SPEND_CREDIT_TYPE(403),
    /** The account has as many open holds as its settings allow. Usually {@code 429 Too Many Requests}. */
    TOO_MANY_OPEN_HOLDS(429),
    /** No credit package has this id. Usually {@code 404 Not Found}. */
    UNKNOWN_PACKAGE(404),
    /** The credit package is switched off. Usually {@code 403 Forbidden}. */
    INACTIVE_PACKAGE(403),
    /**
     * The account's plan may not buy credits of this type (e.g. a free tier; see {@link Plan#canBuy(String)}).
     * Usually {@code 403 Forbidden}.
     */
    PLAN_CANNOT_BUY_CREDITS(403),
    /** The purchase costs less than the purchase policy's minimum. Usually {@code 422 Unprocessable Content}. */
    BELOW_MINIMUM_PURCHASE(422),
    /** The purchase buys more credits than the policy allows at once. Usually {@code 422}. */
    ABOVE_MAXIMUM_PURCHASE(422),
    /** Custom amounts cannot be bought: the purchase policy has no credit rate. Usually {@code 422}. */
    NO_CREDIT_RATE(422),
    /** No promotion has this code. Usually {@code 404 Not Found}. */
    UNKNOWN_PROMOTION(404),
    /** The promotion is switched off or its window has not opened. Usually {@code 422}. */
    PROMOTION_NOT_ACTIVE(422),
    /** The promotion's window has closed. Usually {@code 422}. */
    PROMOTION_EXPIRED(422),
    /** The promotion has been used as often as it may be. Usually {@code 422}. */
    PROMOTION_EXHAUSTED(422),
    /** This account has used the promotion as often as one account may. Usually {@code 422}. */
    PROMOTION_LIMIT_PER_ACCOUNT(422),
    /** The promotion does not apply to this package (or to a custom amount). Usually {@code 422}. */
    PROMOTION_NOT_APPLICABLE(422),
    /**
     * The spend would pass a spending cap of the account or of one of its pools ({@link Orgs#setCap}); the result's
     * {@code capExceeded} says which, what its period used and what remains. Usually {@code 429 Too Many Requests}.
     */
    CAP_EXCEEDED(429);

    private final int httpStatus;

    RejectionReason(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** @return the HTTP status a web host usually answers with */
    public int httpStatus() {
        return httpStatus;
    }
}
