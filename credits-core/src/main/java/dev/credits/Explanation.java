package dev.credits;

import java.util.List;

/**
 * Why a spend would be charged what it would, or refused: the answer to "why was I charged / refused?", read
 * without changing anything (see {@link Inspection#explain}). Immutable.
 *
 * @param accountId      the account
 * @param featureKey     the feature
 * @param quantity       the units asked about
 * @param creditType     the credit type the feature spends (the default type for an unknown feature)
 * @param unitPrice      credits per unit the account pays now
 * @param pricePlanId    the plan whose own price {@code unitPrice} is, or null for the feature's price
 * @param required       credits the spend would take (quantity x unit price)
 * @param available      available credits of the type (balance - held)
 * @param overdraftLimit how far available may go below zero
 * @param lots           the live lots of the type in burn-down order, with what each would pay
 * @param holds          the holds in flight on the type (open, before their deadline)
 * @param planId         the account's plan, or null
 * @param rejection      the rule that would refuse a deduction (or a check) now, or null if it would go through
 * @param holdRejection  the rule that would refuse a reservation now (a deduction's rules plus the open-holds limit),
 *                       or null
 * @param sequence       the account's sequence number when read
 */
public record Explanation(String accountId, String featureKey, long quantity, String creditType, long unitPrice,
                          String pricePlanId, long required, long available, long overdraftLimit, List<LotShare> lots,
                          List<Hold> holds, String planId, RejectionReason rejection, RejectionReason holdRejection,
                          long sequence) {

    public Explanation {
        lots = List.copyOf(lots);
        holds = List.copyOf(holds);
    }

    /**
     * One lot of an explanation.
     *
     * @param lot       the lot as read
     * @param available its credits not held
     * @param wouldPay  how many of the required credits it would pay (lots are taken in burn-down order; the
     *                  overdraft lot pays what the others lack)
     */
    public record LotShare(Lot lot, long available, long wouldPay) {
    }
}
