package dev.credits;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money: a {@link BigDecimal} and a {@link Currency}, never a {@code double}. Used for what a
 * lot cost (reports) and, later, for package prices. Immutable.
 *
 * @param amount   the amount, not negative
 * @param currency the currency
 */
public record Money(BigDecimal amount, Currency currency) {

    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        if (amount.signum() < 0) {
            throw new InvalidArgumentException("money", "must not be negative: " + amount);
        }
    }

    /**
     * @param amount       a decimal string, e.g. {@code "19.99"}
     * @param currencyCode an ISO 4217 code, e.g. {@code "USD"}
     * @return the money
     * @throws InvalidArgumentException if either is malformed
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
