package dev.credits;

import java.util.Comparator;

/**
 * The order in which lots are spent. The default ({@link #DEFAULT}): lower priority first, then earliest
 * expiry (no expiry last), then promotional before paid, then oldest. Whatever the order, the overdraft
 * lot is always spent last. Implementations must be stateless and thread-safe.
 */
@FunctionalInterface
public interface BurnDownOrder {

    /** @return the comparator; lots that compare lower are spent first */
    Comparator<Lot> comparator();

    /** Priority, earliest expiry (none last), promotional before paid, oldest, then lot id. */
    BurnDownOrder DEFAULT = () -> Comparator
            .comparingInt(Lot::priority)
            .thenComparing(Lot::expiresAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparingInt(lot -> lot.isPaid() ? 1 : 0)
            .thenComparing(Lot::grantedAt)
            .thenComparing(Lot::lotId);
}
