package dev.credits;

import dev.credits.internal.Checks;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money: a {@link BigDecimal} and a {@link Currency}, never a {@code double}. Used for prices,
 * discounts and what a lot cost. Immutable.
 *
 * <p>Every store keeps money exactly, its scale included ({@code 19.90} reads back as {@code 19.90}, not
 * {@code 19.9}), so an amount must fit the strictest of them, a {@code DECIMAL(38,18)} column: not negative, at
 * most {@value #MAX_SCALE} decimal places (the scale counts, trailing zeros included) and at most
 * {@value #MAX_INTEGER_DIGITS} digits before the decimal point. Anything else is an
 * {@link InvalidArgumentException} when the money is made, so no store ever sees it; a price the ledger computes
 * that would not fit (a credit rate times a large amount) is rejected the same way.
 *
 * @param amount   the amount: not negative, at most {@value #MAX_SCALE} decimals and {@value #MAX_INTEGER_DIGITS}
 *                 integer digits
 * @param currency the currency
 */
public record Money(BigDecimal amount, Currency currency) {

    /** The most decimal places an amount may have (its {@link BigDecimal#scale()}). */
    public static final int MAX_SCALE = 18;

    /** The most digits an amount may have before the decimal point. */
    public static final int MAX_INTEGER_DIGITS = 20;

    /**
     * @throws NullPointerException     if either is null
     * @throws InvalidArgumentException if the amount is negative or has more than {@value #MAX_SCALE} decimals or
     *                                  {@value #MAX_INTEGER_DIGITS} integer digits
     */
    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        Checks.money("money", amount);
    }

    /**
     * @param amount       a decimal string, e.g. {@code "19.99"}
     * @param currencyCode an ISO 4217 code, e.g. {@code "USD"}
     * @return the money
     * @throws InvalidArgumentException if either is malformed, or the amount is out of range (see above)
     */
    public static Money of(String amount, String currencyCode) {
        try {
            return new Money(new BigDecimal(amount), Currency.getInstance(currencyCode));
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidArgumentException("money", "malformed amount '" + amount + "'");
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("money", "unknown currency '" + currencyCode + "'");
        }
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency.getCurrencyCode();
    }
}
