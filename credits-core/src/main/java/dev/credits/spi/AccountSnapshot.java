package dev.credits.spi;

import dev.credits.Account;
import dev.credits.Hold;
import dev.credits.Lot;

import java.util.List;

/**
 * What the ledger reads first in every unit of work: the locked account, its cached balances, its live lots
 * and its open holds past their deadline. One record so a store can fetch it in one round trip.
 *
 * @param account  the locked account
 * @param balances every cached balance of the account
 * @param liveLots every live lot ({@code remaining != 0 or held != 0}), any order
 * @param dueHolds the OPEN holds with {@code expiresAt <= now}
 */
public record AccountSnapshot(Account account, List<BalanceRecord> balances, List<Lot> liveLots,
                              List<Hold> dueHolds) {
    public AccountSnapshot {
        balances = List.copyOf(balances);
        liveLots = List.copyOf(liveLots);
        dueHolds = List.copyOf(dueHolds);
    }
}
