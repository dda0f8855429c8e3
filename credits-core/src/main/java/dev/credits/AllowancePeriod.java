package dev.credits;

import java.time.Instant;
import java.util.Objects;

/**
 * The plan period an allowance lot ({@link LotSource#SUBSCRIPTION}) was granted for: which plan, the start of the
 * period (its end is the lot's expiry), and whether the lot carries credits rolled over from the period before rather
 * than the period's own allowance. The ledger's own state, kept apart from the host's metadata. Immutable;
 * thread-safe.
 *
 * @param planId      the plan whose allowance it is
 * @param periodStart the start of the period (inclusive)
 * @param rollover    true for credits rolled over from the previous period, false for the period's allowance
 */
public record AllowancePeriod(String planId, Instant periodStart, boolean rollover) {

    /** @throws NullPointerException if the plan id or the period start is null */
    public AllowancePeriod {
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(periodStart, "periodStart");
    }
}
