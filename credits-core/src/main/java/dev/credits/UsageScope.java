package dev.credits;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Whose usage a {@link UsageQuery} sums: one account, a set of accounts, or every account. Immutable.
 * (A pool and its members will be one more scope.)
 */
public sealed interface UsageScope permits UsageScope.OfAccount, UsageScope.OfAccounts, UsageScope.All {

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
