package dev.credits;

import java.time.Instant;

/**
 * The allowance of an account's current plan period for one credit type (002's "monthly budget remaining"). Immutable.
 *
 * @param creditType  the credit type
 * @param planId      the plan
 * @param periodStart the period's start
 * @param periodEnd   the period's end
 * @param granted     allowance credits granted in the period (rollover included)
 * @param used        credits of it no longer there (spent, or clawed back)
 * @param remaining   credits of it left
 */
public record AllowanceUsage(String creditType, String planId, Instant periodStart, Instant periodEnd, long granted,
                             long used, long remaining) {
}
