package dev.credits;

import java.time.Instant;
import java.util.List;

/**
 * An account over a period ({@link Reports#accountSummary}): how each credit type's balance moved, the money its
 * grants cost, its current allowance and where its balance is heading. Immutable.
 *
 * @param accountId  the account
 * @param from       the period's start (inclusive)
 * @param to         the period's end (exclusive)
 * @param flows      per credit type the account has or had, by credit type
 * @param moneyPaid  what the lots granted in the period cost, per currency
 * @param allowances the current plan period's allowance per credit type (empty without a plan period)
 * @param forecasts  per credit type with a balance, the depletion forecast as of now
 */
public record AccountSummary(String accountId, Instant from, Instant to, List<CreditFlows> flows,
                             List<Money> moneyPaid, List<AllowanceUsage> allowances,
                             List<DepletionForecast> forecasts) {

    public AccountSummary {
        flows = List.copyOf(flows);
        moneyPaid = List.copyOf(moneyPaid);
        allowances = List.copyOf(allowances);
        forecasts = List.copyOf(forecasts);
    }

    /** @return the flows of a credit type (all zero when the account had none) */
    public CreditFlows flows(String creditType) {
        return CreditFlows.of(flows, creditType);
    }
}
