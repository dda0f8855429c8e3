package dev.credits;

import java.time.Instant;

/**
 * An account as stored: who holds credits (an organization, a user, a department). Immutable.
 *
 * @param accountId            the host's id for it
 * @param status               active or paused
 * @param overdraftLimit       how far available may go below zero
 * @param lowBalanceThreshold  the low-balance threshold of the {@link EventType#BALANCE_LOW} events (0: the ledger's default)
 * @param maxOpenHolds         how many holds may be open at once (0: no limit)
 * @param planId               the account's plan, or null
 * @param nextPlanId           a plan that takes over at the next {@link Plans#startPeriod} (a scheduled
 *                             downgrade), or null
 * @param periodStart          start of the current allowance period (inclusive), or null before the first
 * @param periodEnd            end of the current allowance period (exclusive), or null before the first
 * @param sequence             the number of the last change to this account: every ledger entry takes the next
 *                             number, and a change without an entry (a hold placed or released) takes one
 * @param createdAt            when it was opened
 * @param updatedAt            when its settings or status last changed
 * @param subscriptionId       the billing system's subscription the plan comes from (e.g. Stripe's {@code sub_...}),
 *                             or null: events of another subscription never change the plan (see
 *                             {@link Plans#assignPlan(String, String, String)}, {@link Plans#endPlan(String, String)})
 * @param parentId             the pool this account is a member of (see {@link Orgs#setParent}), or null
 * @param capped               whether the account has spending caps ({@link Orgs#setCap}): a spend reads them only then
 */
public record Account(String accountId, AccountStatus status, long overdraftLimit, long lowBalanceThreshold,
                      long maxOpenHolds, String planId, String nextPlanId, Instant periodStart, Instant periodEnd,
                      long sequence, Instant createdAt, Instant updatedAt, String subscriptionId,
                      String parentId, boolean capped) {

    /** An account that is no member of a pool and has no caps. */
    public Account(String accountId, AccountStatus status, long overdraftLimit, long lowBalanceThreshold,
                   long maxOpenHolds, String planId, String nextPlanId, Instant periodStart, Instant periodEnd,
                   long sequence, Instant createdAt, Instant updatedAt, String subscriptionId) {
        this(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId, nextPlanId, periodStart,
                periodEnd, sequence, createdAt, updatedAt, subscriptionId, null, false);
    }

    /** An account whose plan names no subscription. */
    public Account(String accountId, AccountStatus status, long overdraftLimit, long lowBalanceThreshold,
                   long maxOpenHolds, String planId, String nextPlanId, Instant periodStart, Instant periodEnd,
                   long sequence, Instant createdAt, Instant updatedAt) {
        this(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId, nextPlanId, periodStart,
                periodEnd, sequence, createdAt, updatedAt, null);
    }

    /** @return a copy whose plan comes from {@code value} (null: none recorded), changed at {@code at} */
    public Account withSubscription(String value, Instant at) {
        return new Account(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId, nextPlanId,
                periodStart, periodEnd, sequence, createdAt, at, value, parentId, capped);
    }

    /** @return a new account with the settings, no plan, sequence 0 */
    public static Account open(String accountId, AccountSettings settings, Instant at) {
        return new Account(accountId, AccountStatus.ACTIVE, settings.overdraftLimit(), settings.lowBalanceThreshold(),
                settings.maxOpenHolds(), null, null, null, null, 0, at, at, null, null, false);
    }

    /** @return the settings part of this account */
    public AccountSettings settings() {
        return new AccountSettings(overdraftLimit, lowBalanceThreshold, maxOpenHolds);
    }

    public Account withSequence(long newSequence) {
        return new Account(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId, nextPlanId,
                periodStart, periodEnd, newSequence, createdAt, updatedAt, subscriptionId, parentId, capped);
    }

    /** @return a copy with new settings, changed at {@code at} */
    public Account withSettings(AccountSettings settings, Instant at) {
        return new Account(accountId, status, settings.overdraftLimit(), settings.lowBalanceThreshold(),
                settings.maxOpenHolds(), planId, nextPlanId, periodStart, periodEnd, sequence, createdAt, at,
                subscriptionId, parentId, capped);
    }

    /** @return a copy with a new status, changed at {@code at} */
    public Account withStatus(AccountStatus newStatus, Instant at) {
        return new Account(accountId, newStatus, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId,
                nextPlanId, periodStart, periodEnd, sequence, createdAt, at, subscriptionId, parentId, capped);
    }

    /** @return a copy with a new plan and scheduled plan, changed at {@code at} */
    public Account withPlan(String newPlanId, String newNextPlanId, Instant at) {
        return new Account(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, newPlanId,
                newNextPlanId, periodStart, periodEnd, sequence, createdAt, at, subscriptionId, parentId, capped);
    }

    /** @return a copy with a new current period */
    public Account withPeriod(Instant start, Instant end, Instant at) {
        return new Account(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId, nextPlanId,
                start, end, sequence, createdAt, at, subscriptionId, parentId, capped);
    }

    /** @return a copy that is a member of {@code newParentId} (null: of no pool), changed at {@code at} */
    public Account withParent(String newParentId, Instant at) {
        return new Account(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId, nextPlanId,
                periodStart, periodEnd, sequence, createdAt, at, subscriptionId, newParentId, capped);
    }

    /** @return a copy that says whether it has spending caps, changed at {@code at} */
    public Account withCapped(boolean newCapped, Instant at) {
        return new Account(accountId, status, overdraftLimit, lowBalanceThreshold, maxOpenHolds, planId, nextPlanId,
                periodStart, periodEnd, sequence, createdAt, at, subscriptionId, parentId, newCapped);
    }
}
