package dev.credits;

/**
 * What {@link CreditLedger#checkCredits} found. Nothing was changed.
 *
 * @param hasEnough  whether a deduction right now would succeed
 * @param reason     why not, or null when {@code hasEnough}
 * @param accountId  the account
 * @param featureKey the feature
 * @param quantity   units asked about
 * @param unitPrice  credits per unit (0 for an unknown feature)
 * @param required   credits the deduction would cost (0 for an unknown feature)
 * @param available  available credits of the feature's credit type (held and expired ones excluded;
 *                   negative when in overdraft)
 * @param sequence   the account's sequence number when read
 */
public record CheckResult(boolean hasEnough, RejectionReason reason, String accountId, String featureKey,
                          long quantity, long unitPrice, long required, long available, long sequence) {
}
