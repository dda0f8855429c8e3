package dev.credits;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * When a credit type's available balance would reach zero at the burn rate of a trailing window. Immutable.
 *
 * @param creditType                    the credit type
 * @param window                        the trailing window the rate is measured over (ending now)
 * @param consumedInWindow              credits charged minus refunded in the window
 * @param creditsPerDay                 the burn rate: {@code consumedInWindow} per day of the window
 * @param available                     the available balance now
 * @param depletesAt                    when available would reach zero at that rate (now when it is at or below zero
 *                                      already), or null when nothing is burning
 * @param allowanceRemaining            the current period's allowance left (0 without one)
 * @param allowanceRunsOutBeforePeriodEnd whether the allowance left would be used up before the period ends at that
 *                                      rate (false without a period)
 */
public record DepletionForecast(String creditType, Duration window, long consumedInWindow, BigDecimal creditsPerDay,
                                long available, Instant depletesAt, long allowanceRemaining,
                                boolean allowanceRunsOutBeforePeriodEnd) {
}
