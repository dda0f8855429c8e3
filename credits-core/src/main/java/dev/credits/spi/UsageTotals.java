package dev.credits.spi;

import java.math.BigDecimal;

/**
 * The sums of one aggregate row of the usage table. Immutable; thread-safe.
 *
 * @param credits     the sum of the entries' signed amounts
 * @param charged     credits deducted ({@link UsageKind#USAGE}: minus the deductions' amounts), else 0
 * @param refunded    credits refunded ({@link UsageKind#USAGE}: the refunds' amounts), else 0
 * @param quantity    units deducted
 * @param deductions  how many deductions (free retries included)
 * @param freeRetries how many of them were free retries
 * @param entries     how many entries it sums
 * @param money       the money of {@link UsageKey#currency()}, {@link BigDecimal#ZERO} when there is none
 */
public record UsageTotals(long credits, long charged, long refunded, long quantity, long deductions,
                          long freeRetries, long entries, BigDecimal money) {

    /** No entries. */
    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO);

    public UsageTotals {
        money = money == null ? BigDecimal.ZERO : money;
    }

    /** @return the field-by-field sum (overflow is an {@link ArithmeticException}) */
    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(Math.addExact(credits, other.credits), Math.addExact(charged, other.charged),
                Math.addExact(refunded, other.refunded), Math.addExact(quantity, other.quantity),
                Math.addExact(deductions, other.deductions), Math.addExact(freeRetries, other.freeRetries),
                Math.addExact(entries, other.entries), money.add(other.money));
    }
}
