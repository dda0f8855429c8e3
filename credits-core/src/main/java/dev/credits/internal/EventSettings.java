package dev.credits.internal;

import java.time.Duration;

/**
 * The ledger's settings of the events feature. Immutable.
 *
 * @param defaultLowBalanceThreshold the threshold of accounts whose settings have none (0: no low-balance alerts)
 * @param recoveryMargin             how far above the threshold the available balance must rise to recover
 * @param expiryNotice               how long before a lot's expiry the sweep announces it
 * @param retention                  how long acknowledged events are kept before the sweep purges them
 * @param leaseDuration              how long a consumer's lease lasts unless renewed
 */
public record EventSettings(long defaultLowBalanceThreshold, long recoveryMargin, Duration expiryNotice,
                            Duration retention, Duration leaseDuration) {

    /** No default threshold, margin 0, 7 days' notice, 7 days' retention, 30 s leases. */
    public static final EventSettings DEFAULTS =
            new EventSettings(0, 0, Duration.ofDays(7), Duration.ofDays(7), Duration.ofSeconds(30));

    /** @return the threshold that applies to an account with {@code accountThreshold} (0: none) */
    long thresholdFor(long accountThreshold) {
        return accountThreshold > 0 ? accountThreshold : defaultLowBalanceThreshold;
    }
}
