package dev.credits;

import java.time.Instant;
import java.util.List;

/**
 * One balance of an account, as of the read. Expired credits are never in it; holds past their deadline
 * count as released.
 *
 * @param accountId      the account
 * @param creditType     the credit type
 * @param total          credits on the account: available + held (negative when in debt)
 * @param held           credits reserved by open holds
 * @param available      credits that can be spent now (total - held); may be negative down to minus the
 *                       overdraft limit
 * @param overdraftLimit how far available may go below zero
 * @param nextExpiry     the earliest expiry of a live lot, or null
 * @param lots           the live lots in burn-down order (the overdraft lot, if any, last)
 * @param sequence       the account's sequence number when read
 * @param spendable      whether the account's plan lets it spend this credit type now (see
 *                       {@link Plan#canSpend(String)}); credits it may not spend stay, and count again on a plan
 *                       that allows them
 */
public record Balance(String accountId, String creditType, long total, long held, long available,
                      long overdraftLimit, Instant nextExpiry, List<Lot> lots, long sequence, boolean spendable) {

    public Balance {
        lots = List.copyOf(lots);
    }

    /** A balance the account may spend. */
    public Balance(String accountId, String creditType, long total, long held, long available, long overdraftLimit,
                   Instant nextExpiry, List<Lot> lots, long sequence) {
        this(accountId, creditType, total, held, available, overdraftLimit, nextExpiry, lots, sequence, true);
    }
}
