package dev.credits.tck;

import dev.credits.Account;
import dev.credits.CheckResult;
import dev.credits.CommitResult;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.LedgerEntry;
import dev.credits.PageRequest;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.ReleaseResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules 12 and 13: history (order, keyset paging, filters, entry fields) and sequence numbers. */
public interface HistoryContract extends ContractFixture {

    /** Writes {@code count} entries (deductions of 1 credit) on a funded account. */
    private void deductTimes(String accountId, String featureKey, int count) {
        for (int i = 0; i < count; i++) {
            deductOk(accountId, featureKey, 1);
        }
    }

    private List<String> ids(List<LedgerEntry> entries) {
        return entries.stream().map(LedgerEntry::transactionId).toList();
    }

    private List<LedgerEntry> filtered(String accountId, HistoryFilter filter) {
        return LedgerInvariants.allEntries(ledger(), accountId, filter, 1);
    }

    @Test
    default void historyIsNewestFirstAndRecordsEveryField() {
        String accountId = openAccount();
        Instant grantTime = now();
        GrantResult grant = ledger().grant(GrantRequest.of(accountId, 100).withReason("welcome")
                .withMetadata(Map.of("campaign", "spring")).withIdempotencyKey("grant-1"));
        String key = feature("image", 7);
        Instant deductTime = advance(Duration.ofSeconds(10));
        DeductionResult deduction = ledger().deductCredits(DeductRequest.of(accountId, key).withQuantity(2)
                .withUserId("user_7").withMetadata(Map.of("request", "r-1")).withIdempotencyKey("deduct-1"));
        Instant refundTime = advance(Duration.ofSeconds(10));
        RefundResult refund = ledger().refundCredits(RefundRequest.of(deduction.transactionId()).withCredits(4)
                .withReason("bad output").withIdempotencyKey("refund-1"));

        List<LedgerEntry> entries = entries(accountId);

        assertEquals(List.of(refund.transactionId(), deduction.transactionId(), grant.transactionId()), ids(entries));
        assertEquals(new LedgerEntry(grant.transactionId(), accountId, grant.sequence(), EntryType.GRANT, "credits",
                100, 100, null, 0, 0, null, 0, null, null, null, null, "welcome", "grant-1", Map.of("campaign", "spring"),
                grantTime), entries.get(2));
        assertEquals(new LedgerEntry(deduction.transactionId(), accountId, deduction.sequence(), EntryType.DEDUCTION,
                "credits", -14, 86, key, 2, 7, null, 0, "user_7", null, null, null, null, "deduct-1", Map.of("request", "r-1"),
                deductTime), entries.get(1));
        LedgerEntry refundEntry = entries.get(0);
        assertEquals(EntryType.REFUND, refundEntry.type());
        assertEquals(refund.sequence(), refundEntry.sequence());
        assertEquals(4, refundEntry.amount());
        assertEquals(90, refundEntry.balanceAfter());
        assertEquals(deduction.transactionId(), refundEntry.referenceId());
        assertEquals("bad output", refundEntry.reason());
        assertEquals("refund-1", refundEntry.idempotencyKey());
        assertEquals(key, refundEntry.featureKey());
        assertNull(refundEntry.holdId());
        assertEquals(refundTime, refundEntry.createdAt());
        assertEquals(accountId, refundEntry.accountId());
    }

    @Test
    default void emptyHistoryIsOneEmptyLastPage() {
        String accountId = openAccount();

        HistoryPage page = ledger().history(accountId, HistoryFilter.all(), PageRequest.first());

        assertTrue(page.entries().isEmpty());
        assertNull(page.nextCursor());
        assertFalse(page.hasMore());
    }

    @Test
    default void keysetPagesYieldEveryEntryExactlyOnce() {
        String accountId = openFunded(1000);
        deductTimes(accountId, feature("unit", 1), 22);
        List<LedgerEntry> all = ledger().history(accountId, HistoryFilter.all(), PageRequest.first(1000)).entries();
        assertEquals(23, all.size());

        List<LedgerEntry> walked = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        PageRequest request = PageRequest.first(5);
        while (request != null) {
            HistoryPage page = ledger().history(accountId, HistoryFilter.all(), request);
            walked.addAll(page.entries());
            sizes.add(page.entries().size());
            assertTrue(sizes.size() <= 10, () -> "paging does not end: page sizes " + sizes);
            request = page.next(5).orElse(null);
        }

        assertEquals(List.of(5, 5, 5, 5, 3), sizes);
        assertEquals(all, walked);
        for (int i = 1; i < walked.size(); i++) {
            assertTrue(walked.get(i - 1).sequence() > walked.get(i).sequence(), "not newest first at " + i);
        }
        HistoryPage exact = ledger().history(accountId, HistoryFilter.all(), PageRequest.first(23));
        assertEquals(23, exact.entries().size());
        assertNull(exact.nextCursor(), "a last page that is exactly full has a next cursor");
    }

    @Test
    default void pagingNeitherSkipsNorRepeatsWhileNewEntriesArrive() {
        String accountId = openFunded(1000);
        String key = feature("unit", 1);
        deductTimes(accountId, key, 11);
        Set<String> existing = new HashSet<>(ids(entries(accountId)));
        assertEquals(12, existing.size());

        HistoryPage first = ledger().history(accountId, HistoryFilter.all(), PageRequest.first(5));
        deductTimes(accountId, key, 3);
        grant(accountId, 5);
        HistoryPage second = ledger().history(accountId, HistoryFilter.all(), first.next(5).orElseThrow());
        deductTimes(accountId, key, 2);
        HistoryPage third = ledger().history(accountId, HistoryFilter.all(), second.next(5).orElseThrow());

        List<String> walked = new ArrayList<>(ids(first.entries()));
        walked.addAll(ids(second.entries()));
        walked.addAll(ids(third.entries()));
        assertNull(third.nextCursor());
        assertEquals(12, walked.size(), () -> "walked " + walked);
        assertEquals(existing, new HashSet<>(walked));
    }

    @Test
    default void timeFilterIsHalfOpen() {
        String accountId = openAccount();
        Instant t0 = now();
        grant(accountId, 100);
        String key = feature("unit", 1);
        Instant t1 = advance(Duration.ofSeconds(1));
        String first = deductOk(accountId, key, 1).transactionId();
        advance(Duration.ofSeconds(1));
        String second = deductOk(accountId, key, 1).transactionId();
        Instant t3 = advance(Duration.ofSeconds(1));
        String last = grant(accountId, 1).transactionId();

        assertEquals(List.of(second, first), ids(filtered(accountId, HistoryFilter.all().withFrom(t1).withTo(t3))));
        assertEquals(List.of(last, second, first), ids(filtered(accountId, HistoryFilter.all().withFrom(t1))));
        assertEquals(3, filtered(accountId, HistoryFilter.all().withTo(t3)).size());
        assertEquals(1, filtered(accountId, HistoryFilter.all().withTo(t0.plusMillis(1))).size());
        assertTrue(filtered(accountId, HistoryFilter.all().withTo(t0)).isEmpty());
    }

    @Test
    default void filtersByTypeCreditTypeFeatureAndUser() {
        String accountId = openAccount();
        String grantCredits = grant(accountId, 100).transactionId();
        String grantVoice = ledger().grant(GrantRequest.of(accountId, 50).withCreditType("voice")).transactionId();
        String image = feature("image", 2);
        String call = feature("call", 3, "voice");
        String d1 = ledger().deductCredits(DeductRequest.of(accountId, image).withUserId("user_1")).transactionId();
        String d2 = ledger().deductCredits(DeductRequest.of(accountId, image).withUserId("user_2")).transactionId();
        String d3 = ledger().deductCredits(DeductRequest.of(accountId, call).withUserId("user_1")).transactionId();
        String r1 = ledger().refundCredits(d2, null, null).transactionId();

        assertEquals(List.of(r1, grantVoice, grantCredits),
                ids(filtered(accountId, HistoryFilter.all().withTypes(EntryType.GRANT, EntryType.REFUND))));
        assertEquals(List.of(d3, grantVoice), ids(filtered(accountId, HistoryFilter.all().withCreditType("voice"))));
        assertEquals(List.of(r1, d2, d1), ids(filtered(accountId, HistoryFilter.all().withFeatureKey(image))));
        assertEquals(List.of(d3, d1), ids(filtered(accountId, HistoryFilter.all().withUserId("user_1"))));
        assertEquals(List.of(d1), ids(filtered(accountId, HistoryFilter.all().withUserId("user_1")
                .withFeatureKey(image).withTypes(EntryType.DEDUCTION).withCreditType("credits"))));
        assertTrue(filtered(accountId, HistoryFilter.all().withUserId("nobody")).isEmpty());
        assertEquals(6, ledger().history(accountId, null, null).entries().size(), "null filter and page = all");
    }

    @Test
    default void everyChangeAdvancesTheSequenceByOneAndResultsCarryIt() {
        String accountId = openFunded(100);
        String key = feature("render", 5);
        long start = sequence(accountId);

        DeductionResult deduction = deductOk(accountId, key, 1);
        ReservationResult reservation = ledger().reserve(ReserveRequest.of(accountId, key));
        CommitResult commit = ledger().commit(reservation.hold().holdId());
        String releasedHold = ledger().reserve(ReserveRequest.of(accountId, key)).hold().holdId();
        ReleaseResult release = ledger().release(releasedHold);
        RefundResult refund = ledger().refundCredits(deduction.transactionId(), null, null);
        Account paused = ledger().pauseAccount(accountId);
        GrantResult grant = grant(accountId, 1);

        assertEquals(List.of(start + 1, start + 2, start + 3, start + 5, start + 6, start + 7, start + 8),
                List.of(deduction.sequence(), reservation.sequence(), commit.sequence(), release.sequence(),
                        refund.sequence(), paused.sequence(), grant.sequence()));
        assertEquals(start + 8, sequence(accountId));
        List<LedgerEntry> entries = entries(accountId);
        assertEquals(List.of(grant.sequence(), refund.sequence(), commit.sequence(), deduction.sequence(), start),
                entries.stream().map(LedgerEntry::sequence).toList());
        assertEquals(List.of(grant.transactionId(), refund.transactionId(), commit.transactionId(),
                deduction.transactionId()), ids(entries).subList(0, 4));
    }

    @Test
    default void readsNeverChangeTheSequence() {
        String accountId = openFunded(100);
        String key = feature("render", 5);
        String holdId = ledger().reserve(ReserveRequest.of(accountId, key)).hold().holdId();
        String tx = deductOk(accountId, key, 1).transactionId();
        AccountState before = state(accountId);
        long sequence = before.account().sequence();

        assertEquals(sequence, balance(accountId).sequence());
        assertEquals(sequence, ledger().balances(accountId).get("credits").sequence());
        CheckResult check = ledger().checkCredits(accountId, key, 2);
        assertEquals(sequence, check.sequence());
        assertNotNull(ledger().getHold(holdId).orElseThrow());
        assertNotNull(ledger().receipt(tx));
        ledger().history(accountId, HistoryFilter.all(), PageRequest.first(1));
        ledger().getFeaturePricing(key);
        ledger().listFeaturePricing();

        assertUnchanged(before, accountId);
    }
}
