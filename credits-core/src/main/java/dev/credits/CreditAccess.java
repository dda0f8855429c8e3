package dev.credits;

/**
 * What a plan lets its accounts do with one credit type (see {@link Plan#creditAccess()}).
 *
 * @param canBuy   whether accounts on the plan may buy credits of the type
 * @param canSpend whether accounts on the plan may spend credits of the type; credits they may not spend stay on the
 *                 account (shown with {@link Balance#spendable()} false) and become spendable again on a plan that
 *                 allows them
 */
public record CreditAccess(boolean canBuy, boolean canSpend) {
}
