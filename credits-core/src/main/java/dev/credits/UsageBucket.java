package dev.credits;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * The width of a {@link UsageQuery}'s time buckets, in the query's time zone: a day is local midnight to local
 * midnight (23 or 25 hours across a daylight-saving change), a week starts on Monday, a month on its first day.
 */
public enum UsageBucket {
    /** An hour of the zone's clock. */
    HOUR,
    /** A calendar day, from local midnight. */
    DAY,
    /** An ISO week, from Monday's local midnight. */
    WEEK,
    /** A calendar month, from its first day's local midnight. */
    MONTH;

    /** @return the start of the bucket that holds {@code instant} in {@code zone} */
    public Instant startOf(Instant instant, ZoneId zone) {
        ZonedDateTime local = instant.atZone(zone);
        ZonedDateTime start = switch (this) {
            case HOUR -> local.truncatedTo(ChronoUnit.HOURS);
            case DAY -> local.toLocalDate().atStartOfDay(zone);
            case WEEK -> local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(zone);
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
        };
        return start.toInstant();
    }

    /** @return the start of the bucket after the one starting at {@code start} in {@code zone} */
    public Instant next(Instant start, ZoneId zone) {
        ZonedDateTime local = start.atZone(zone);
        return switch (this) {
            case HOUR -> start.plus(1, ChronoUnit.HOURS);
            case DAY -> local.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
            case WEEK -> local.toLocalDate().plusWeeks(1).atStartOfDay(zone).toInstant();
            case MONTH -> local.toLocalDate().plusMonths(1).atStartOfDay(zone).toInstant();
        };
    }
}
