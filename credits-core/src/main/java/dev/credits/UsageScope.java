package dev.credits;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Whose usage a {@link UsageQuery} sums: one account, a set of accounts, an organization's pool with every account
 * under it, or every account. Immutable.
 */
public sealed interface UsageScope permits UsageScope.OfAccount, UsageScope.OfAccounts, UsageScope.OfPool,
        UsageScope.All {

    /** The most accounts {@link #accounts} takes. */
    int MAX_ACCOUNTS = 1_000;

    /** @return the scope of one account */
    static UsageScope account(String accountId) {
        return new OfAccount(accountId);
    }

    /** @return the scope of these accounts (1 to {@value #MAX_ACCOUNTS}) */
    static UsageScope accounts(Collection<String> accountIds) {
        return new OfAccounts(Set.copyOf(accountIds));
    }

    /**
     * @return the scope of a pool and every account under it (its members, their members, ...: see
     *         {@link Orgs#setParent}); group by {@link UsageField#ACCOUNT} to see each member apart
     */
    static UsageScope pool(String poolId) {
        return new OfPool(poolId);
    }

    /** @return the scope of every account */
    static UsageScope all() {
        return All.INSTANCE;
    }

    /** One account. @param accountId the account */
    record OfAccount(String accountId) implements UsageScope {
        public OfAccount {
            Objects.requireNonNull(accountId, "accountId");
        }
    }

    /** A set of accounts. @param accountIds the accounts */
    record OfAccounts(Set<String> accountIds) implements UsageScope {
        public OfAccounts {
            accountIds = Set.copyOf(accountIds);
        }
    }

    /** A pool and every account under it. @param poolId the pool */
    record OfPool(String poolId) implements UsageScope {
        public OfPool {
            Objects.requireNonNull(poolId, "poolId");
        }
    }

    /** Every account. */
    final class All implements UsageScope {
        private static final All INSTANCE = new All();

        private All() {
        }

        @Override
        public String toString() {
            return "All";
        }
    }
}
