package dev.credits;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/**
 * The period a {@link SpendingCap} counts over. Periods are half-open {@code [start, end)} in the cap's zone: a day
 * starts at local midnight, a week on Monday, a month on its first day; a lifetime never ends.
 */
public enum CapPeriod {
    /** A calendar day. */
    DAY,
    /** A week from Monday 00:00. */
    WEEK,
    /** A calendar month. */
    MONTH,
    /** All time: the cap never resets. */
    LIFETIME;

    /** The start of every lifetime period. */
    public static final Instant LIFETIME_START = Instant.EPOCH;

    /** @return the start of the period that contains {@code at} in {@code zone} */
    public Instant start(Instant at, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        return switch (this) {
            case DAY -> local.toLocalDate().atStartOfDay(zone).toInstant();
            case WEEK -> local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    .atStartOfDay(zone).toInstant();
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay(zone).toInstant();
            case LIFETIME -> LIFETIME_START;
        };
    }

    /** @return the end (exclusive) of the period that contains {@code at} in {@code zone}, or null for a lifetime */
    public Instant end(Instant at, ZoneId zone) {
        ZonedDateTime start = start(at, zone).atZone(zone);
        return switch (this) {
            case DAY -> start.plusDays(1).toInstant();
            case WEEK -> start.plusWeeks(1).toInstant();
            case MONTH -> start.plusMonths(1).toInstant();
            case LIFETIME -> null;
        };
    }
}
