package dev.credits.spi;

import java.util.List;

/**
 * A unit of work over several locked accounts (a member and its pools), run by
 * {@link CreditStore#inAccounts(List, MultiAccountWork)}.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface MultiAccountWork<T> {

    /**
     * @param transactions one view per account, in the order the accounts were named (and locked)
     * @return the work's result
     */
    T run(List<AccountTransaction> transactions);
}
