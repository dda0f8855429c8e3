package dev.credits.tck;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.Balance;
import dev.credits.CreditEvent;
import dev.credits.CreditLedger;
import dev.credits.EntryType;
import dev.credits.EventPayload;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.PageRequest;
import dev.credits.Receipt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the ledger's invariants (DESIGN.md) for one account from the outside, through the public API only:
 * walks every page of its history and every entry's receipt, and compares them with its balances and lots.
 * Usable from any test of any store. Stateless and thread-safe, but meant to run when the account is quiet.
 */
public final class LedgerInvariants {

    private LedgerInvariants() {
    }

    /**
     * Sweeps due expiries and holds ({@link CreditLedger#expireDue()}), then asserts, for every credit type of
     * the account:
     * <ol>
     *     <li>the balance total equals the sum of the history's amounts and the sum of remaining over the
     *     balance's lots; available equals total minus held; held equals the sum of the lots' held credits;
     *     every entry's {@code balanceAfter} equals the running sum of amounts up to it (invariant 1);</li>
     *     <li>available is at least minus {@code overdraftLimit} (invariant 2);</li>
     *     <li>no deduction was refunded more than it charged (invariant 5);</li>
     *     <li>conservation: granted = remaining + (deducted - refunded) + expired (invariant 7), and per lot the
     *     receipt lines of all entries add up to the lot's remaining amount (0 for lots no longer listed);</li>
     * </ol>
     * and that history is newest first with unique, strictly decreasing sequence numbers and unique ids, every
     * receipt matches its entry and its lines add up to the entry's amount, and the account's sequence is at
     * least that of its newest entry.
     *
     * <p>Call it when no hold is open on an expired lot (e.g. after all holds were resolved).
     *
     * @param ledger         the ledger (its clock decides what is due)
     * @param accountId      the account
     * @param overdraftLimit the account's overdraft limit
     */
    public static void assertHold(CreditLedger ledger, String accountId, long overdraftLimit) {
        ledger.expireDue();

        List<LedgerEntry> newestFirst = allEntries(ledger, accountId);
        List<LedgerEntry> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);

        Account account = ledger.getAccount(accountId).orElseThrow(() -> new AssertionError("no account " + accountId));
        if (!newestFirst.isEmpty()) {
            assertTrue(account.sequence() >= newestFirst.get(0).sequence(),
                    "account sequence " + account.sequence() + " is behind its newest entry "
                            + newestFirst.get(0).sequence());
        }

        // Entries: ids, types, signs, running balances, refund limits.
        Map<String, Long> runningByType = new HashMap<>();
        Map<String, long[]> sumsByType = new HashMap<>(); // grant, deduction, refund, expiry, clawback
        Map<String, LedgerEntry> byId = new HashMap<>();
        Map<String, Long> refundedByOriginal = new HashMap<>();
        for (LedgerEntry entry : oldestFirst) {
            assertEquals(accountId, entry.accountId(), "entry of another account in history: " + entry);
            assertNotNull(entry.type(), "entry without type: " + entry);
            assertNotNull(entry.creditType(), "entry without credit type: " + entry);
            long running = runningByType.merge(entry.creditType(), entry.amount(), Long::sum);
            assertEquals(running, entry.balanceAfter(),
                    "balanceAfter is not the running sum of amounts at " + entry);
            long[] sums = sumsByType.computeIfAbsent(entry.creditType(), type -> new long[5]);
            switch (entry.type()) {
                case GRANT -> {
                    assertTrue(entry.amount() > 0, "grant with non-positive amount: " + entry);
                    sums[0] += entry.amount();
                }
                case DEDUCTION -> {
                    assertTrue(entry.amount() <= 0, "deduction with positive amount: " + entry);
                    sums[1] -= entry.amount();
                }
                case REFUND -> {
                    assertTrue(entry.amount() > 0, "refund with non-positive amount: " + entry);
                    sums[2] += entry.amount();
                    LedgerEntry original = byId.get(entry.referenceId());
                    assertNotNull(original, "refund " + entry.transactionId()
                            + " does not reference an earlier deduction of the account: " + entry.referenceId());
                    assertEquals(EntryType.DEDUCTION, original.type(), "refund of a non-deduction: " + entry);
                    assertEquals(original.creditType(), entry.creditType(), "refund in another credit type: " + entry);
                    long refunded = refundedByOriginal.merge(original.transactionId(), entry.amount(), Long::sum);
                    assertTrue(refunded <= -original.amount(), "transaction " + original.transactionId()
                            + " charged " + -original.amount() + " but was refunded " + refunded);
                }
                case EXPIRY -> {
                    // 0 when the expiring credits all paid debt instead (receipt lines on the lot and the debt).
                    assertTrue(entry.amount() <= 0, "expiry with positive amount: " + entry);
                    sums[3] -= entry.amount();
                }
                case CLAWBACK -> {
                    assertTrue(entry.amount() < 0, "clawback with non-negative amount: " + entry);
                    sums[4] -= entry.amount();
                    LedgerEntry grant = byId.get(entry.referenceId());
                    assertNotNull(grant, "clawback " + entry.transactionId()
                            + " does not reference an earlier grant of the account: " + entry.referenceId());
                    assertEquals(EntryType.GRANT, grant.type(), "clawback of a non-grant: " + entry);
                }
                case ADJUSTMENT -> {
                    // An admin removal: counted with clawbacks (both may pass the overdraft limit).
                    assertTrue(entry.amount() < 0, "adjustment with non-negative amount: " + entry);
                    assertNotNull(entry.actor(), "adjustment without actor: " + entry);
                    sums[4] -= entry.amount();
                }
                case TRANSFER -> {
                    // Credits in count as granted, credits out as consumed; the other side mirrors it exactly.
                    assertTrue(entry.amount() != 0, "transfer of no credits: " + entry);
                    if (entry.amount() > 0) {
                        sums[0] += entry.amount();
                    } else {
                        sums[1] -= entry.amount();
                    }
                    LedgerEntry other = ledger.receipt(entry.referenceId()).entry();
                    assertEquals(EntryType.TRANSFER, other.type(), "transfer paired with a non-transfer: " + entry);
                    assertEquals(-entry.amount(), other.amount(), "transfer sides differ: " + entry + " / " + other);
                    assertEquals(entry.transactionId(), other.referenceId(), "transfer sides not paired: " + other);
                    assertTrue(!other.accountId().equals(entry.accountId()), "transfer to itself: " + entry);
                }
                default -> fail("unexpected entry type " + entry.type());
            }
            assertTrue(byId.put(entry.transactionId(), entry) == null, "duplicate transaction id " + entry);
        }

        // Receipts: every line belongs to its entry, lines add up to the entry; sum per lot.
        Map<String, Long> allocatedByLot = new HashMap<>();
        for (LedgerEntry entry : oldestFirst) {
            Receipt receipt = ledger.receipt(entry.transactionId());
            assertEquals(entry, receipt.entry(), "receipt entry differs from history entry");
            long sum = 0;
            for (int i = 0; i < receipt.allocations().size(); i++) {
                Allocation line = receipt.allocations().get(i);
                assertEquals(entry.transactionId(), line.ownerId(), "receipt line of another owner: " + line);
                assertEquals(i, line.position(), "receipt lines out of position: " + receipt.allocations());
                sum += line.amount();
                allocatedByLot.merge(line.lotId(), line.amount(), Long::sum);
            }
            assertEquals(entry.amount(), sum, "receipt lines do not add up to the entry amount: " + receipt);
        }

        // Balances per credit type.
        Set<String> creditTypes = new TreeSet<>(runningByType.keySet());
        creditTypes.addAll(ledger.balances(accountId).keySet());
        Set<String> listedLots = new HashSet<>();
        for (String creditType : creditTypes) {
            Balance balance = ledger.balance(accountId, creditType);
            long history = runningByType.getOrDefault(creditType, 0L);
            String where = " (account " + accountId + ", " + creditType + ")";
            assertEquals(creditType, balance.creditType(), "balance of the wrong credit type" + where);
            assertEquals(history, balance.total(), "balance total != sum of history amounts" + where);
            assertEquals(balance.total() - balance.held(), balance.available(), "available != total - held" + where);
            assertTrue(balance.held() >= 0, "negative held " + balance.held() + where);
            // Invariant 2 bounds spending; credits clawed back after they were spent are debt on top of it.
            long clawedBack = sumsByType.getOrDefault(creditType, new long[5])[4];
            assertTrue(balance.available() >= -overdraftLimit - clawedBack,
                    "available " + balance.available() + " below -" + overdraftLimit + " (clawed back "
                            + clawedBack + ")" + where);

            long remaining = 0;
            long held = 0;
            for (int i = 0; i < balance.lots().size(); i++) {
                Lot lot = balance.lots().get(i);
                assertEquals(creditType, lot.creditType(), "lot of another credit type listed" + where);
                assertEquals(accountId, lot.accountId(), "lot of another account listed" + where);
                assertTrue(listedLots.add(lot.lotId()), "lot listed twice: " + lot.lotId());
                if (lot.source() == LotSource.OVERDRAFT) {
                    assertTrue(lot.remaining() <= 0, "overdraft lot with positive remaining: " + lot);
                    assertEquals(balance.lots().size() - 1, i, "overdraft lot not listed last" + where);
                } else {
                    assertTrue(lot.remaining() >= 0, "lot with negative remaining: " + lot);
                    assertTrue(lot.held() >= 0 && lot.held() <= lot.remaining(), "lot holds more than it has: " + lot);
                }
                remaining += lot.remaining();
                held += lot.held();
                assertEquals(allocatedByLot.getOrDefault(lot.lotId(), 0L), lot.remaining(),
                        "receipt lines of lot " + lot.lotId() + " do not add up to its remaining" + where);
            }
            assertEquals(balance.total(), remaining, "balance total != sum of lots' remaining" + where);
            assertEquals(balance.held(), held, "balance held != sum of lots' held" + where);

            long[] sums = sumsByType.getOrDefault(creditType, new long[5]);
            long granted = sums[0];
            long consumed = sums[1] - sums[2];
            long expired = sums[3];
            long clawed = sums[4];
            assertEquals(granted, remaining + consumed + expired + clawed, "conservation broken: granted " + granted
                    + " != remaining " + remaining + " + consumed " + consumed + " + expired " + expired
                    + " + clawed back " + clawed + where);
        }
        for (Map.Entry<String, Long> lot : allocatedByLot.entrySet()) {
            if (!listedLots.contains(lot.getKey())) {
                assertEquals(0L, lot.getValue(), "receipt lines of unlisted lot " + lot.getKey()
                        + " do not add up to 0 (account " + accountId + ")");
            }
        }
        assertEventsReplayHistory(ledger, accountId, oldestFirst);
    }

    /**
     * Invariant 10: the account's ENTRY_POSTED events, in the account's order, are its entries one for one (the
     * newest ones, when the sweep purged old events), and replaying them rebuilds each credit type's balance.
     */
    private static void assertEventsReplayHistory(CreditLedger ledger, String accountId, List<LedgerEntry> oldestFirst) {
        List<CreditEvent> events = new ArrayList<>();
        long after = 0;
        while (true) {
            List<CreditEvent> page = ledger.events().readAccount(accountId, after, 10_000);
            if (page.isEmpty()) {
                break;
            }
            events.addAll(page);
            after = page.get(page.size() - 1).accountSequence();
        }
        List<LedgerEntry> posted = new ArrayList<>();
        Map<String, Long> replayed = new HashMap<>();
        Set<String> ids = new HashSet<>();
        long lastSequence = 0;
        for (CreditEvent event : events) {
            assertEquals(accountId, event.accountId(), "event of another account: " + event);
            assertTrue(ids.add(event.eventId()), "duplicate event id " + event);
            assertTrue(event.accountSequence() >= lastSequence, "events out of the account's order at " + event);
            lastSequence = event.accountSequence();
            if (event.payload() instanceof EventPayload.EntryPosted entry) {
                LedgerEntry match = oldestFirst.stream().filter(e -> e.transactionId().equals(entry.transactionId()))
                        .findFirst().orElseThrow(() -> new AssertionError("event of an unknown entry: " + event));
                assertEquals(new EventPayload.EntryPosted(match.transactionId(), match.type(), match.amount(),
                        match.balanceAfter(), match.featureKey(), match.referenceId()), entry, "event != entry");
                assertEquals(match.sequence(), event.accountSequence(), "event at another sequence than its entry");
                posted.add(match);
                replayed.merge(event.creditType(), entry.amount(), Long::sum);
            }
        }
        assertTrue(posted.size() <= oldestFirst.size(), "more entry events than entries");
        assertEquals(oldestFirst.subList(oldestFirst.size() - posted.size(), oldestFirst.size()), posted,
                "the entry events are not the account's entries in order (account " + accountId + ")");
        if (posted.size() == oldestFirst.size()) {
            for (String creditType : ledger.balances(accountId).keySet()) {
                assertEquals(ledger.balance(accountId, creditType).total(), replayed.getOrDefault(creditType, 0L),
                        "replaying the entry events does not rebuild the " + creditType + " balance of " + accountId);
            }
        }
    }

    /** Asserts that no credits of any credit type of the account are held (all holds resolved). */
    public static void assertNothingHeld(CreditLedger ledger, String accountId) {
        for (Balance balance : ledger.balances(accountId).values()) {
            assertEquals(0, balance.held(), "credits still held in " + balance);
        }
    }

    /**
     * Reads every page of the account's history (newest first) and asserts that pages neither repeat nor skip
     * order: sequence numbers strictly decrease and transaction ids are unique.
     *
     * @return every entry, newest first
     */
    public static List<LedgerEntry> allEntries(CreditLedger ledger, String accountId) {
        return allEntries(ledger, accountId, HistoryFilter.all(), PageRequest.MAX_LIMIT);
    }

    /** Same as {@link #allEntries(CreditLedger, String)} with a filter and a page size. */
    public static List<LedgerEntry> allEntries(CreditLedger ledger, String accountId, HistoryFilter filter,
                                               int pageSize) {
        List<LedgerEntry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        PageRequest request = PageRequest.first(pageSize);
        long previousSequence = Long.MAX_VALUE;
        int pages = 0;
        while (request != null) {
            HistoryPage page = ledger.history(accountId, filter, request);
            assertTrue(page.entries().size() <= pageSize, "page larger than its limit");
            if (page.hasMore()) {
                assertTrue(!page.entries().isEmpty(), "empty page with a next cursor");
            }
            for (LedgerEntry entry : page.entries()) {
                assertTrue(entry.sequence() < previousSequence, "history not strictly newest first at " + entry);
                assertTrue(ids.add(entry.transactionId()), "entry repeated in history: " + entry);
                previousSequence = entry.sequence();
                entries.add(entry);
            }
            request = page.next(pageSize).orElse(null);
            if (++pages > 1_000_000) {
                fail("history paging does not end");
            }
        }
        return entries;
    }
}
