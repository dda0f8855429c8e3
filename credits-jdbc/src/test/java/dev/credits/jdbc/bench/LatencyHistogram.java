package dev.credits.jdbc.bench;

/**
 * A log-linear histogram of latencies in microseconds: exact below 128 µs, then 64 buckets per power of two (at most
 * 1.6 % relative error), from 0 to about 2^63 µs. Percentiles report a bucket's midpoint. Not thread-safe: one per
 * thread, {@linkplain #add(LatencyHistogram) merged} at the end.
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 6;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;          // 64 buckets per power of two
    private static final int LINEAR = 2 * SUB_BUCKETS;             // 0..127 µs are exact
    private static final int BUCKETS = LINEAR + (64 - SUB_BITS - 1) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long sumMicros;
    private long maxMicros;

    /** Records one latency. */
    void record(long micros) {
        long value = Math.max(0, micros);
        counts[index(value)]++;
        total++;
        sumMicros += value;
        maxMicros = Math.max(maxMicros, value);
    }

    /** Adds every value recorded by {@code other}. */
    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sumMicros += other.sumMicros;
        maxMicros = Math.max(maxMicros, other.maxMicros);
    }

    long count() {
        return total;
    }

    double meanMillis() {
        return total == 0 ? 0 : sumMicros / 1000.0 / total;
    }

    double maxMillis() {
        return maxMicros / 1000.0;
    }

    /** @return the latency in milliseconds below which {@code percent} % of the values fall */
    double percentileMillis(double percent) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(total * percent / 100.0));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(midpoint(i), maxMicros) / 1000.0;
            }
        }
        return maxMicros / 1000.0;
    }

    static int index(long value) {
        if (value < LINEAR) {
            return (int) value;
        }
        int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS; // value >> shift is in [64, 127]
        return LINEAR + (shift - 1) * SUB_BUCKETS + (int) ((value >> shift) - SUB_BUCKETS);
    }

    static double midpoint(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / SUB_BUCKETS + 1;
        long low = ((long) (SUB_BUCKETS + (index - LINEAR) % SUB_BUCKETS)) << shift;
        return low + ((1L << shift) - 1) / 2.0;
    }
}
