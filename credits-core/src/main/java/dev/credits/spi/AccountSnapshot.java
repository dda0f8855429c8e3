package dev.credits.spi;

import dev.credits.Account;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.Lot;

import java.util.List;

/**
 * What the ledger reads first in every unit of work: the locked account, its cached balances, its live lots,
 * its open holds past their deadline, and (when asked) the feature the call prices and the idempotency record
 * of its key. One record so a store can fetch it in one round trip.
 *
 * @param account     the locked account
 * @param balances    every cached balance of the account
 * @param liveLots    every live lot ({@code remaining != 0 or held != 0}), any order
 * @param dueHolds    the OPEN holds with {@code expiresAt <= now}
 * @param feature     the feature asked for, or null when none was asked for or it does not exist
 * @param idempotency the account's record of the key asked for, or null when none was asked for or there is
 *                    none
 */
public record AccountSnapshot(Account account, List<BalanceRecord> balances, List<Lot> liveLots,
                              List<Hold> dueHolds, FeaturePricing feature, IdempotencyRecord idempotency) {
    public AccountSnapshot {
        balances = List.copyOf(balances);
        liveLots = List.copyOf(liveLots);
        dueHolds = List.copyOf(dueHolds);
    }
}
