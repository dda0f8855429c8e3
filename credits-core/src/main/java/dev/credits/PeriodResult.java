package dev.credits;

import java.time.Instant;
import java.util.Map;

/**
 * What {@link Plans#startPeriod} did.
 *
 * @param accountId  the account
 * @param status     what happened
 * @param planId     the plan whose allowance was granted (after a scheduled downgrade took over), or null
 * @param start      the period's start (inclusive)
 * @param end        the period's end (exclusive)
 * @param expired    unused allowance of the previous period that expired, by credit type
 * @param rolledOver unused allowance carried into this period (at most the plan's rollover cap), by credit type
 * @param granted    the new allowance, by credit type
 * @param sequence   the account's sequence number after the call
 */
public record PeriodResult(String accountId, Status status, String planId, Instant start, Instant end,
                           Map<String, Long> expired, Map<String, Long> rolledOver, Map<String, Long> granted,
                           long sequence) {

    public PeriodResult {
        expired = expired == null ? Map.of() : Map.copyOf(expired);
        rolledOver = rolledOver == null ? Map.of() : Map.copyOf(rolledOver);
        granted = granted == null ? Map.of() : Map.copyOf(granted);
    }

    /** The outcomes of {@code startPeriod}. */
    public enum Status {
        /** The period started: old allowance expired, rollover and new allowance granted. */
        STARTED,
        /** This period (same start) was started before: nothing changed. */
        ALREADY_STARTED,
        /** A later period has already started, or this one has already ended: nothing changed. */
        STALE,
        /** The account has no plan: nothing changed. */
        NO_PLAN
    }
}
