package dev.credits;

import java.util.List;

/**
 * What a purchase would cost and grant, and by which rules. A rejection is a value: check {@link #allowed()}.
 *
 * @param accountId     the buyer
 * @param packageId     the package, or null for a custom amount
 * @param credits       credits bought (before bonus credits)
 * @param bonusCredits  bonus credits of the promotion
 * @param listPrice     the price before discounts
 * @param price         the price after discounts (never below 0)
 * @param lines         one line per rule applied, in order
 * @param promotionCode the promotion applied, or null
 * @param rejection     why it cannot be bought, or null when it can
 * @param planRule      the rule of the buyer's plan the price follows: {@code "plan-rate:<planId>"} (the plan's own
 *                      credit rate), {@code "plan-discount:<planId>"} (its discount), both joined by {@code ", "}, or
 *                      null (the purchase policy alone); the quote's lines name it the same way
 */
public record Quote(String accountId, String packageId, long credits, long bonusCredits, Money listPrice,
                    Money price, List<QuoteLine> lines, String promotionCode, RejectionReason rejection,
                    String planRule) {

    public Quote {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    /** A quote that follows no plan rule. */
    public Quote(String accountId, String packageId, long credits, long bonusCredits, Money listPrice, Money price,
                 List<QuoteLine> lines, String promotionCode, RejectionReason rejection) {
        this(accountId, packageId, credits, bonusCredits, listPrice, price, lines, promotionCode, rejection, null);
    }

    /** @return whether the purchase is allowed */
    public boolean allowed() {
        return rejection == null;
    }

    /** @return credits granted: bought plus bonus */
    public long totalCredits() {
        return credits + bonusCredits;
    }
}
