package dev.credits;

/**
 * The settings of an account. Immutable; change one with its {@code with...} method.
 *
 * @param overdraftLimit        how far the available balance may go below zero (default 0: never)
 * @param lowBalanceThreshold   the available balance at or below which the host wants to hear about it
 *                              (a {@link EventType#BALANCE_LOW} event when available falls to or below it; 0: the
 *                              ledger's default, {@code CreditLedger.Builder.lowBalanceThreshold}; default 0)
 * @param maxOpenHolds          how many holds may be open at once; a reserve beyond it is rejected with
 *                              {@link RejectionReason#TOO_MANY_OPEN_HOLDS} (default 0: no limit)
 */
public record AccountSettings(long overdraftLimit, long lowBalanceThreshold, long maxOpenHolds) {

    /** No overdraft, threshold 0, no limit on open holds. */
    public static final AccountSettings DEFAULTS = new AccountSettings(0, 0, 0);

    /** Settings without a limit on open holds. */
    public AccountSettings(long overdraftLimit, long lowBalanceThreshold) {
        this(overdraftLimit, lowBalanceThreshold, 0);
    }

    public AccountSettings withOverdraftLimit(long value) {
        return new AccountSettings(value, lowBalanceThreshold, maxOpenHolds);
    }

    public AccountSettings withLowBalanceThreshold(long value) {
        return new AccountSettings(overdraftLimit, value, maxOpenHolds);
    }

    public AccountSettings withMaxOpenHolds(long value) {
        return new AccountSettings(overdraftLimit, lowBalanceThreshold, value);
    }
}
