package dev.credits.spi;

import java.time.Instant;

/**
 * One aggregate row of the usage table: the sums of one account's entries of one key in one time bucket of
 * {@link #GRAIN_SECONDS}. A unit of work hands the store its rows' increments in {@link ChangeSet#usage()}; the store
 * adds each to the stored row of the same account, bucket and {@link UsageKey#groupKey()} (or inserts it). Read back
 * summed ({@link ReportStore#sumUsage}), a field the selection did not group by is null. Immutable; thread-safe.
 *
 * @param accountId   the account, or null when summed over accounts
 * @param bucketStart the start of the bucket (a multiple of {@link #GRAIN_SECONDS} since the epoch), or null when
 *                    summed over buckets
 * @param key         what it is about
 * @param totals      the sums
 */
public record UsageRecord(String accountId, Instant bucketStart, UsageKey key, UsageTotals totals) {

    /**
     * The width of the stored buckets: 15 minutes, the largest width that every time zone's offset is a multiple of,
     * so hours, days, weeks and months of any zone are whole numbers of stored buckets.
     */
    public static final long GRAIN_SECONDS = 15 * 60;

    /** @return the start of the stored bucket that holds {@code instant} */
    public static Instant bucketOf(Instant instant) {
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), GRAIN_SECONDS) * GRAIN_SECONDS);
    }
}
