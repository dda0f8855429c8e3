package dev.credits.spi;

import dev.credits.Account;

import java.util.List;

/**
 * The reports part of a store: reads across accounts that sum the usage rows units of work maintain
 * ({@link ChangeSet#usage()}) and list accounts with their balances. It only reads and sums; every rule (what a row
 * means, buckets of a time zone, reconciliation) lives in the ledger. Each call reads committed state; calls are not
 * atomic with each other. Implementations must be thread-safe.
 */
public interface ReportStore {

    /**
     * Sums the usage rows of the selection's accounts whose bucket start is in {@code [from, to)}, kept apart as the
     * selection says; any order.
     */
    List<UsageRecord> sumUsage(UsageSelection selection);

    /**
     * @return the accounts that pass the filter with their cached balances (every credit type the account has), by
     *         account id, at most {@code filter.limit()}
     */
    List<AccountBalances> listAccounts(AccountFilter filter);

    /**
     * Replaces the account's usage rows by {@code rows} (a rebuild from its history), in one transaction that locks
     * the account as a unit of work does, if the account's sequence is still {@code sequence}.
     *
     * @return false, changing nothing, if the account changed since (or does not exist)
     */
    boolean replaceUsage(String accountId, long sequence, List<UsageRecord> rows);

    /** @return per credit type the sum of every account's cached balance and held credits (accountId null) */
    List<BalanceRecord> balanceTotals();

    /** @return the number of accounts per status and plan, any order */
    List<AccountCount> countAccounts();

    /**
     * An account with its cached balances.
     *
     * @param account  the account
     * @param balances its balances, any order
     */
    record AccountBalances(Account account, List<BalanceRecord> balances) {
        public AccountBalances {
            balances = List.copyOf(balances);
        }
    }
}
