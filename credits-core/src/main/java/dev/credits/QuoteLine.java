package dev.credits;

import java.math.BigDecimal;

/**
 * One line of a {@link Quote}: what one rule did to the price or the credits.
 *
 * @param rule        the rule: {@code package:<id>}, {@code credit-rate}, {@code bulk:<minCredits>} or
 *                    {@code promotion:<code>}
 * @param description what it did, in words
 * @param amount      its change of the price (positive for the list price, negative for a discount), in the
 *                    quote's currency
 * @param credits     credits it adds (the credits bought, or bonus credits)
 */
public record QuoteLine(String rule, String description, BigDecimal amount, long credits) {
}
