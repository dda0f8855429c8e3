package dev.credits;

/**
 * The settings of an account. Immutable; change one with its {@code with...} method.
 *
 * @param overdraftLimit        how far the available balance may go below zero (default 0: never)
 * @param lowBalanceThreshold   the available balance at or below which the host wants to hear about it
 *                              (stored now; alerts come in a later release; default 0)
 */
public record AccountSettings(long overdraftLimit, long lowBalanceThreshold) {

    /** No overdraft, threshold 0. */
    public static final AccountSettings DEFAULTS = new AccountSettings(0, 0);

    public AccountSettings withOverdraftLimit(long overdraftLimit) {
        return new AccountSettings(overdraftLimit, lowBalanceThreshold);
    }

    public AccountSettings withLowBalanceThreshold(long lowBalanceThreshold) {
        return new AccountSettings(overdraftLimit, lowBalanceThreshold);
    }
}
