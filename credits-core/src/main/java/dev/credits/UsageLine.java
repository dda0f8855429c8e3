package dev.credits;

import java.time.Instant;

/**
 * One line of a {@link UsageReport}: the usage of one group in one bucket. Holds count when committed (as the
 * deduction they become); a refund counts in the bucket it was made in, under its deduction's group. Immutable.
 *
 * @param bucketStart the bucket's start in the query's zone (the first may start before the query's {@code from})
 * @param bucketEnd   the next bucket's start
 * @param group       what it is about
 * @param charged     credits deducted
 * @param refunded    credits refunded
 * @param quantity    units deducted
 * @param deductions  how many deductions (free retries included)
 * @param freeRetries how many of them were free retries
 */
public record UsageLine(Instant bucketStart, Instant bucketEnd, UsageGroup group, long charged, long refunded,
                        long quantity, long deductions, long freeRetries) {

    /** @return credits charged minus refunded */
    public long net() {
        return charged - refunded;
    }
}
