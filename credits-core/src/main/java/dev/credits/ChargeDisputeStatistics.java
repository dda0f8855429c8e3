package dev.credits;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.Collections;
import java.util.EnumMap;

/**
 * Disputes of charges submitted in a period: how many stand where, why users dispute, how long a decision takes, and
 * how much was asked back against how much was refunded. Immutable.
 *
 * @param from              the period's start (inclusive)
 * @param to                the period's end (exclusive)
 * @param byStatus          disputes by where they stand now (every status, 0 when none)
 * @param byReason          disputes by reason code, sorted by code
 * @param medianResolution  the median time from submission to closing of the closed ones, or null when none
 * @param p90Resolution     the 90th percentile of that (nearest rank), or null when none
 * @param creditsRequested  credits asked back, all disputes
 * @param creditsRefunded   credits refunded, resolved disputes
 */
public record ChargeDisputeStatistics(Instant from, Instant to, Map<ChargeDisputeStatus, Long> byStatus,
                                      Map<String, Long> byReason, Duration medianResolution, Duration p90Resolution,
                                      long creditsRequested, long creditsRefunded) {

    public ChargeDisputeStatistics {
        byStatus = Collections.unmodifiableMap(new EnumMap<>(byStatus));
        byReason = Collections.unmodifiableMap(new TreeMap<>(byReason));
    }

    /** @return how many disputes were submitted in the period */
    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }
}
