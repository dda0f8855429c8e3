package dev.credits.spi;

import dev.credits.AccountStatus;

import java.util.Set;

/**
 * Which accounts {@link ReportStore#listAccounts} returns. A null field does not filter. Immutable.
 *
 * @param status           only accounts with this status
 * @param planId           only accounts on this plan
 * @param parentIds        only the direct members of these pools (one query per level of an organization)
 * @param creditType       the credit type the balance filters look at
 * @param availableBelow   only accounts whose available balance of {@code creditType} is below it (an account
 *                         without a balance row has 0)
 * @param availableAtLeast only accounts whose available balance of {@code creditType} is at least it
 * @param lowBalance       only accounts whose available balance of {@code creditType} is at or below their low-balance
 *                         threshold ({@code defaultThreshold} for an account whose own is 0)
 * @param defaultThreshold the ledger's default low-balance threshold
 * @param afterAccountId   only accounts whose id sorts after it (keyset paging), or null from the first
 * @param limit            at most this many, by account id
 */
public record AccountFilter(AccountStatus status, String planId, Set<String> parentIds, String creditType,
                            Long availableBelow, Long availableAtLeast, boolean lowBalance, long defaultThreshold,
                            String afterAccountId, int limit) {

    public AccountFilter {
        parentIds = parentIds == null ? null : Set.copyOf(parentIds);
    }
}
