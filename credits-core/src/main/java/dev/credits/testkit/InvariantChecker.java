package dev.credits.testkit;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.CreditLedger;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.PageRequest;
import dev.credits.Receipt;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.CreditStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that one account's stored state is consistent, and throws {@link AssertionError} naming the first thing
 * that is not. It only reads: no sweep, no write, so it can run at any point of a test without changing what the
 * test sees next. Credits past their expiry that no sweep has written off yet are checked as stored (still on
 * their lot and in the cached balance, with no expiry entry), which is consistent.
 *
 * <pre>{@code
 * InvariantChecker.check(ledger, store, "org_42");   // or testLedger.checkInvariants("org_42")
 * }</pre>
 *
 * <p>For every credit type of the account: the cached balance equals the sum of its history's amounts and the sum
 * of remaining over its live lots, and held equals the lots' held credits; every entry's {@code balanceAfter} is the
 * running sum; available (balance minus held) is at least minus the overdraft limit (less credits clawed back after
 * they were spent); no deduction was refunded more than it charged; granted = remaining + spent - refunded +
 * expired + clawed back; every receipt matches its entry and its lines add up to it, and per lot the receipt lines
 * add up to the lot's remaining. History pages are newest first without repeats. Meant for an account no call is
 * changing at the moment. Stateless.
 */
public final class InvariantChecker {

    private InvariantChecker() {
    }

    /**
     * @param ledger    the ledger (history and receipts are read through it)
     * @param store     its store (balances and lots are read from it as stored)
     * @param accountId the account
     * @throws AssertionError if an invariant does not hold
     */
    public static void check(CreditLedger ledger, CreditStore store, String accountId) {
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(accountId, "accountId");
        // A snapshot "now" at the earliest instant: nothing is due, so it reports the state exactly as stored.
        AccountSnapshot stored = store.readAccount(accountId, tx -> tx.snapshot(CreditLedger.MIN_INSTANT, null, null));
        Account account = stored.account();
        List<LedgerEntry> oldestFirst = allEntries(ledger, accountId);
        Collections.reverse(oldestFirst);
        if (!oldestFirst.isEmpty()) {
            long newest = oldestFirst.get(oldestFirst.size() - 1).sequence();
            require(account.sequence() >= newest, "account sequence " + account.sequence()
                    + " is behind its newest entry " + newest);
        }

        Map<String, Long> runningByType = new HashMap<>();
        Map<String, long[]> sumsByType = new HashMap<>(); // granted, deducted, refunded, expired, clawed back
        Map<String, LedgerEntry> byId = new HashMap<>();
        Map<String, Long> refundedByOriginal = new HashMap<>();
        Map<String, Long> allocatedByLot = new HashMap<>();
        for (LedgerEntry entry : oldestFirst) {
            require(accountId.equals(entry.accountId()), "entry of another account in history: " + entry);
            long running = runningByType.merge(entry.creditType(), entry.amount(), Long::sum);
            require(running == entry.balanceAfter(), "balanceAfter is not the running sum of amounts at " + entry);
            long[] sums = sumsByType.computeIfAbsent(entry.creditType(), type -> new long[5]);
            switch (entry.type()) {
                case GRANT -> {
                    require(entry.amount() > 0, "grant with non-positive amount: " + entry);
                    sums[0] += entry.amount();
                }
                case DEDUCTION -> {
                    require(entry.amount() <= 0, "deduction with positive amount: " + entry);
                    sums[1] -= entry.amount();
                }
                case REFUND -> {
                    require(entry.amount() > 0, "refund with non-positive amount: " + entry);
                    sums[2] += entry.amount();
                    LedgerEntry original = byId.get(entry.referenceId());
                    require(original != null, "refund " + entry.transactionId()
                            + " does not reference an earlier entry of the account: " + entry.referenceId());
                    long refunded = refundedByOriginal.merge(original.transactionId(), entry.amount(), Long::sum);
                    require(refunded <= -original.amount(), "transaction " + original.transactionId()
                            + " charged " + -original.amount() + " but was refunded " + refunded);
                }
                case EXPIRY -> {
                    require(entry.amount() <= 0, "expiry with positive amount: " + entry);
                    sums[3] -= entry.amount();
                }
                case CLAWBACK, ADJUSTMENT -> {
                    // An admin removal counts with clawbacks: both may take credits past the overdraft limit.
                    require(entry.amount() < 0, "clawback or adjustment with non-negative amount: " + entry);
                    sums[4] -= entry.amount();
                }
                case TRANSFER -> {
                    // Credits that reached the account count as granted to it, credits that left as consumed.
                    require(entry.amount() != 0, "transfer of no credits: " + entry);
                    if (entry.amount() > 0) {
                        sums[0] += entry.amount();
                    } else {
                        sums[1] -= entry.amount();
                    }
                }
                default -> throw new AssertionError("unexpected entry type " + entry.type());
            }
            require(byId.put(entry.transactionId(), entry) == null, "duplicate transaction id " + entry);

            Receipt receipt = ledger.receipt(entry.transactionId());
            require(entry.equals(receipt.entry()), "receipt entry differs from history entry: " + receipt.entry());
            long sum = 0;
            for (int i = 0; i < receipt.allocations().size(); i++) {
                Allocation line = receipt.allocations().get(i);
                require(entry.transactionId().equals(line.ownerId()), "receipt line of another owner: " + line);
                require(line.position() == i, "receipt lines out of position: " + receipt.allocations());
                sum += line.amount();
                allocatedByLot.merge(line.lotId(), line.amount(), Long::sum);
            }
            require(sum == entry.amount(), "receipt lines do not add up to the entry amount: " + receipt);
        }

        Map<String, BalanceRecord> balances = new HashMap<>();
        for (BalanceRecord balance : stored.balances()) {
            balances.put(balance.creditType(), balance);
        }
        Set<String> creditTypes = new TreeSet<>(runningByType.keySet());
        creditTypes.addAll(balances.keySet());
        Set<String> listedLots = new HashSet<>();
        for (String creditType : creditTypes) {
            String where = " (account " + accountId + ", " + creditType + ")";
            BalanceRecord balance = balances.getOrDefault(creditType,
                    new BalanceRecord(accountId, creditType, 0, 0));
            long history = runningByType.getOrDefault(creditType, 0L);
            require(history == balance.balance(), "balance " + balance.balance() + " != sum of history amounts "
                    + history + where);
            require(balance.held() >= 0, "negative held " + balance.held() + where);
            long[] sums = sumsByType.getOrDefault(creditType, new long[5]);
            long available = balance.balance() - balance.held();
            require(available >= -account.overdraftLimit() - sums[4], "available " + available + " below -"
                    + account.overdraftLimit() + " (clawed back " + sums[4] + ")" + where);

            long remaining = 0;
            long held = 0;
            for (Lot lot : stored.liveLots()) {
                if (!lot.creditType().equals(creditType)) {
                    continue;
                }
                require(listedLots.add(lot.lotId()), "lot listed twice: " + lot.lotId());
                if (lot.source() == LotSource.OVERDRAFT) {
                    require(lot.remaining() <= 0, "overdraft lot with positive remaining: " + lot);
                } else {
                    require(lot.remaining() >= 0, "lot with negative remaining: " + lot);
                    require(lot.held() >= 0 && lot.held() <= lot.remaining(), "lot holds more than it has: " + lot);
                }
                remaining += lot.remaining();
                held += lot.held();
                long allocated = allocatedByLot.getOrDefault(lot.lotId(), 0L);
                require(allocated == lot.remaining(), "receipt lines of lot " + lot.lotId() + " add up to "
                        + allocated + ", not its remaining " + lot.remaining() + where);
            }
            require(balance.balance() == remaining, "balance " + balance.balance() + " != sum of lots' remaining "
                    + remaining + where);
            require(balance.held() == held, "held " + balance.held() + " != sum of lots' held " + held + where);
            long consumed = sums[1] - sums[2];
            require(sums[0] == remaining + consumed + sums[3] + sums[4], "conservation broken: granted " + sums[0]
                    + " != remaining " + remaining + " + consumed " + consumed + " + expired " + sums[3]
                    + " + clawed back " + sums[4] + where);
        }
        for (Map.Entry<String, Long> lot : allocatedByLot.entrySet()) {
            require(listedLots.contains(lot.getKey()) || lot.getValue() == 0, "receipt lines of spent lot "
                    + lot.getKey() + " add up to " + lot.getValue() + ", not 0 (account " + accountId + ")");
        }
    }

    private static List<LedgerEntry> allEntries(CreditLedger ledger, String accountId) {
        List<LedgerEntry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
        long previous = Long.MAX_VALUE;
        while (request != null) {
            HistoryPage page = ledger.history(accountId, HistoryFilter.all(), request);
            for (LedgerEntry entry : page.entries()) {
                require(entry.sequence() < previous, "history not strictly newest first at " + entry);
                require(ids.add(entry.transactionId()), "entry repeated in history: " + entry);
                previous = entry.sequence();
                entries.add(entry);
            }
            request = page.next(PageRequest.MAX_LIMIT).orElse(null);
        }
        return entries;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
