package dev.credits;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every account over a period ({@link Reports#systemSummary}): the credits outstanding (the liability), how they
 * moved, the money, the accounts and the top consumers. Each part is read at its own moment: under concurrent writes
 * the parts may be a few changes apart. Immutable.
 *
 * @param from                the period's start (inclusive)
 * @param to                  the period's end (exclusive)
 * @param outstanding         credits on every account now, per credit type (held credits included)
 * @param flows               per credit type, summed over every account (it reconciles like an account's)
 * @param revenue             what the lots granted in the period cost (purchases), per currency
 * @param refunds             what the credits clawed back in the period had cost (payments refunded or lost in a
 *                            dispute), per currency
 * @param breakage            what the credits that expired in the period had cost, per currency
 * @param accountsByStatus    how many accounts have each status now
 * @param accountsByPlan      how many accounts are on each plan now (accounts without a plan under {@code ""})
 * @param topConsumers        the accounts that consumed the most (charged minus refunded) in the period, most first
 */
public record SystemSummary(Instant from, Instant to, Map<String, Long> outstanding, List<CreditFlows> flows,
                            List<Money> revenue, List<Money> refunds, List<Money> breakage,
                            Map<AccountStatus, Long> accountsByStatus, Map<String, Long> accountsByPlan,
                            List<Consumer> topConsumers) {

    public SystemSummary {
        outstanding = Map.copyOf(outstanding);
        flows = List.copyOf(flows);
        revenue = List.copyOf(revenue);
        refunds = List.copyOf(refunds);
        breakage = List.copyOf(breakage);
        accountsByStatus = Map.copyOf(accountsByStatus);
        accountsByPlan = Map.copyOf(accountsByPlan);
        topConsumers = List.copyOf(topConsumers);
    }

    /** @return the flows of a credit type (all zero when no account had any) */
    public CreditFlows flows(String creditType) {
        return CreditFlows.of(flows, creditType);
    }

    /**
     * One of the top consumers.
     *
     * @param accountId  the account
     * @param creditType the credit type
     * @param consumed   credits charged minus refunded in the period
     */
    public record Consumer(String accountId, String creditType, long consumed) {
    }
}
