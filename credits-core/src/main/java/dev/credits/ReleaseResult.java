package dev.credits;

/**
 * What {@link CreditLedger#release} did.
 *
 * @param hold             the hold, now RELEASED or EXPIRED
 * @param creditsReleased  credits given back
 * @param remainingCredits available credits after the call
 * @param sequence         the account's sequence number after the call
 */
public record ReleaseResult(Hold hold, long creditsReleased, long remainingCredits, long sequence) {
}
