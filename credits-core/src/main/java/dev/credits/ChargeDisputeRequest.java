package dev.credits;

/**
 * A user's dispute of one charge, as submitted. Immutable.
 *
 * <pre>{@code
 * ledger.actingAs(Actor.of("user:123")).disputes().submit(ChargeDisputeRequest.of("user-123", transactionId, "not_delivered", 50)
 *         .withDescription("The AI video was never generated despite credits being deducted"));
 * }</pre>
 *
 * @param accountId        the account that disputes (a charge of another account is unknown to it)
 * @param transactionId    the deduction disputed
 * @param reason           a reason code: not blank, at most {@value ChargeDisputes#MAX_REASON_LENGTH} characters
 * @param creditsRequested credits asked back: at least 1, at most what of the charge is still refundable
 * @param description      free text, at most {@value ChargeDisputes#MAX_DESCRIPTION_LENGTH} characters, or null
 */
public record ChargeDisputeRequest(String accountId, String transactionId, String reason, long creditsRequested, String description) {

    /** @return a request without a description */
    public static ChargeDisputeRequest of(String accountId, String transactionId, String reason,
                                          long creditsRequested) {
        return new ChargeDisputeRequest(accountId, transactionId, reason, creditsRequested, null);
    }

    /** @return this request with the user's description */
    public ChargeDisputeRequest withDescription(String value) {
        return new ChargeDisputeRequest(accountId, transactionId, reason, creditsRequested, value);
    }
}
