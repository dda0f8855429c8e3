package dev.credits.tck;

import dev.credits.Actor;
import dev.credits.ChargeDispute;
import dev.credits.ChargeDisputePage;
import dev.credits.ChargeDisputeRequest;
import dev.credits.ChargeDisputeStateException;
import dev.credits.ChargeDisputeStatistics;
import dev.credits.ChargeDisputeStatus;
import dev.credits.ChargeDisputes;
import dev.credits.CreditEvent;
import dev.credits.CreditLedger;
import dev.credits.EntryType;
import dev.credits.EventPayload;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.PageRequest;
import dev.credits.RefundLimitException;
import dev.credits.UnknownDisputeException;
import dev.credits.UnknownTransactionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users' disputes of charges ({@code ledger.disputes()}): the lifecycle, its refunds, reads and statistics. */
public interface ChargeDisputeContract extends ContractFixture {

    Actor USER = Actor.of("user:123");
    Actor REVIEWER = Actor.of("admin:9", "dispute desk");

    private ChargeDisputes asUser() {
        return ledger().actingAs(USER).disputes();
    }

    private ChargeDisputes asReviewer() {
        return ledger().actingAs(REVIEWER).disputes();
    }

    /** @return the transaction id of a deduction of {@code credits} from a new account funded with 100 */
    private String[] charged(long credits) {
        String accountId = openFunded(100);
        String key = feature("video", credits);
        return new String[] {accountId, deductOk(accountId, key, 1).transactionId()};
    }

    @Test
    default void aDisputeIsSubmittedReviewedAndResolvedWithAPartialRefund() {
        String[] charge = charged(50);
        String accountId = charge[0];
        String transactionId = charge[1];

        ChargeDispute open = asUser().submit(ChargeDisputeRequest.of(accountId, transactionId, "not_delivered", 50)
                .withDescription("The AI video was never generated despite credits being deducted"));
        assertEquals(ChargeDisputeStatus.OPEN, open.status());
        assertEquals(USER, open.submittedBy());
        assertEquals(START, open.submittedAt());
        assertEquals(50, open.creditsRequested());
        assertEquals(open, ledger().disputes().get(open.disputeId()).orElseThrow());
        assertTrue(inQueue(ChargeDisputeStatus.OPEN, open.disputeId()));

        clock().advance(Duration.ofMinutes(30));
        ChargeDispute reviewing = asReviewer().review(open.disputeId());
        assertEquals(ChargeDisputeStatus.UNDER_REVIEW, reviewing.status());
        assertEquals(REVIEWER, reviewing.reviewedBy());
        assertTrue(inQueue(ChargeDisputeStatus.UNDER_REVIEW, open.disputeId()));

        clock().advance(Duration.ofMinutes(30));
        ChargeDispute resolved = asReviewer().resolve(open.disputeId(), 30, "partial: the preview was delivered");
        assertEquals(ChargeDisputeStatus.RESOLVED, resolved.status());
        assertEquals(30, resolved.creditsRefunded());
        assertEquals(Duration.ofHours(1), resolved.timeToResolution());
        assertEquals(resolved, ledger().disputes().get(open.disputeId()).orElseThrow());
        assertEquals(80, available(accountId));

        LedgerEntry refund = ledger().receipt(resolved.refundId()).entry();
        assertEquals(EntryType.REFUND, refund.type());
        assertEquals(30, refund.amount());
        assertEquals(transactionId, refund.referenceId());
        assertEquals("dispute:" + open.disputeId(), refund.idempotencyKey());
        assertEquals(REVIEWER, refund.actor());
        assertEquals(resolved.changedAtSequence(), refund.sequence());

        List<ChargeDisputeStatus> announced = new ArrayList<>();
        for (CreditEvent event : ledger().events().readAccount(accountId, 0, 1000)) {
            if (event.payload() instanceof EventPayload.ChargeDisputeChanged changed) {
                assertEquals(open.disputeId(), changed.disputeId());
                announced.add(changed.status());
            }
        }
        assertEquals(List.of(ChargeDisputeStatus.OPEN, ChargeDisputeStatus.UNDER_REVIEW,
                ChargeDisputeStatus.RESOLVED), announced);
        assertEquals(List.of(resolved), ledger().disputes().ofAccount(accountId, PageRequest.first()).disputes());
        assertInvariants(accountId);
    }

    private boolean inQueue(ChargeDisputeStatus status, String disputeId) {
        // The queue spans every account of the store, which other tests share.
        ChargeDisputePage page = ledger().disputes().queue(status, PageRequest.first(PageRequest.MAX_LIMIT));
        while (true) {
            if (page.disputes().stream().anyMatch(d -> d.disputeId().equals(disputeId))) {
                return true;
            }
            if (!page.hasMore()) {
                return false;
            }
            page = ledger().disputes().queue(status, page.next(PageRequest.MAX_LIMIT).orElseThrow());
        }
    }

    @Test
    default void aRejectedDisputeRefundsNothingAndIsClosed() {
        String[] charge = charged(20);
        ChargeDispute open = asUser().submit(ChargeDisputeRequest.of(charge[0], charge[1], "poor_quality", 20));
        asReviewer().review(open.disputeId());
        ChargeDispute rejected = asReviewer().reject(open.disputeId(), "the video was delivered");
        assertEquals(ChargeDisputeStatus.REJECTED, rejected.status());
        assertEquals(0, rejected.creditsRefunded());
        assertNull(rejected.refundId());
        assertEquals(80, available(charge[0]));

        assertThrowsUnchanged(ChargeDisputeStateException.class, charge[0],
                () -> asReviewer().resolve(open.disputeId(), 5, "changed my mind"));
        assertThrowsUnchanged(ChargeDisputeStateException.class, charge[0],
                () -> asReviewer().review(open.disputeId()));
        assertEquals(rejected, ledger().disputes().get(open.disputeId()).orElseThrow());
        // Closed: the charge can be disputed again.
        clock().advance(Duration.ofSeconds(1)); // disputes of one instant list by id
        ChargeDispute second = asUser().submit(ChargeDisputeRequest.of(charge[0], charge[1], "poor_quality", 10));
        assertEquals(ChargeDisputeStatus.OPEN, second.status());
        assertEquals(List.of(rejected.disputeId(), second.disputeId()), ledger().disputes()
                .ofAccount(charge[0], PageRequest.first()).disputes().stream().map(ChargeDispute::disputeId).toList());
    }

    @Test
    default void aResolutionRefundsThroughTheRefundRulesOnce() {
        String[] charge = charged(40);
        ChargeDispute open = asUser().submit(ChargeDisputeRequest.of(charge[0], charge[1], "not_delivered", 40));
        ledger().refundCredits(dev.credits.RefundRequest.of(charge[1]).withCredits(25).withReason("partial refund by support"));
        asReviewer().review(open.disputeId());
        // 40 requested, only 15 still refundable.
        assertThrowsUnchanged(RefundLimitException.class, charge[0],
                () -> asReviewer().resolve(open.disputeId(), 20, "all of it"));
        ChargeDispute resolved = asReviewer().resolve(open.disputeId(), 15, "the rest");
        assertEquals(100, available(charge[0]));
        assertThrowsUnchanged(ChargeDisputeStateException.class, charge[0],
                () -> asReviewer().resolve(open.disputeId(), 15, "the rest"));
        assertEquals(1, entries(charge[0]).stream().filter(e -> resolved.refundId().equals(e.transactionId()))
                .count());
        // Refunded in full: a new dispute of the charge is rejected with the reason.
        RefundLimitException full = assertThrowsUnchanged(RefundLimitException.class, charge[0],
                () -> asUser().submit(ChargeDisputeRequest.of(charge[0], charge[1], "not_delivered", 1)));
        assertTrue(full.getMessage().contains(charge[1]), full.getMessage());
        assertInvariants(charge[0]);
    }

    @Test
    default void ofConcurrentMovesOfOneDisputeExactlyOneWins() throws Exception {
        String[] charge = charged(30);
        ChargeDispute open = asUser().submit(ChargeDisputeRequest.of(charge[0], charge[1], "not_delivered", 30));
        CreditLedger other = newLedger().actingAs(REVIEWER);

        // Review against review of an OPEN dispute.
        List<Object> reviews = race(() -> asReviewer().review(open.disputeId()),
                () -> other.disputes().review(open.disputeId()));
        assertEquals(1, reviews.stream().filter(r -> r instanceof ChargeDispute).count(), reviews.toString());
        assertEquals(1, reviews.stream().filter(r -> r instanceof ChargeDisputeStateException).count());

        // Resolve against resolve (and a late review) of a dispute under review.
        List<Object> resolves = race(() -> asReviewer().resolve(open.disputeId(), 30, "a"),
                () -> other.disputes().resolve(open.disputeId(), 20, "b"),
                () -> other.disputes().review(open.disputeId()));
        assertEquals(1, resolves.stream().filter(r -> r instanceof ChargeDispute).count(), resolves.toString());
        assertEquals(2, resolves.stream().filter(r -> r instanceof ChargeDisputeStateException).count());
        ChargeDispute winner = ledger().disputes().get(open.disputeId()).orElseThrow();
        assertEquals(ChargeDisputeStatus.RESOLVED, winner.status());
        assertEquals(70 + winner.creditsRefunded(), available(charge[0]), "refunded once");
        assertInvariants(charge[0]);
    }

    private static List<Object> race(Callable<?>... calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<?> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return call.call();
                    } catch (ChargeDisputeStateException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void badDisputesAreRefusedAndChangeNothing() {
        String[] charge = charged(30);
        String accountId = charge[0];
        String other = openFunded(10);
        String grantId = entries(accountId).stream().filter(e -> e.type() == EntryType.GRANT).findFirst()
                .orElseThrow().transactionId();
        assertThrowsUnchanged(UnknownTransactionException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, "no-such-tx", "x", 1)));
        assertThrowsUnchanged(UnknownTransactionException.class, other,
                () -> asUser().submit(ChargeDisputeRequest.of(other, charge[1], "x", 1)));
        assertThrowsUnchanged(UnknownTransactionException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, grantId, "x", 1)));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, charge[1], " ", 1)));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, charge[1],
                        "r".repeat(ChargeDisputes.MAX_REASON_LENGTH + 1), 1)));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, charge[1], "x", 1)
                        .withDescription("d".repeat(ChargeDisputes.MAX_DESCRIPTION_LENGTH + 1))));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, charge[1], "x", 0)));
        assertThrowsUnchanged(RefundLimitException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, charge[1], "x", 31)));

        ChargeDispute open = asUser().submit(ChargeDisputeRequest.of(accountId, charge[1], "x", 10));
        assertThrowsUnchanged(ChargeDisputeStateException.class, accountId,
                () -> asUser().submit(ChargeDisputeRequest.of(accountId, charge[1], "again", 5)));
        assertThrowsUnchanged(ChargeDisputeStateException.class, accountId,
                () -> asReviewer().resolve(open.disputeId(), 5, "not reviewed yet"));
        asReviewer().review(open.disputeId());
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> asReviewer().resolve(open.disputeId(), 11, "more than requested"));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> asReviewer().resolve(open.disputeId(), 5, " "));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> asReviewer().reject(open.disputeId(), null));
        assertThrows(UnknownDisputeException.class, () -> asReviewer().review("no-such-dispute"));
        assertEquals(ChargeDisputeStatus.UNDER_REVIEW,
                ledger().disputes().get(open.disputeId()).orElseThrow().status());
        assertThrows(InvalidArgumentException.class,
                () -> ledger().disputes().queue(ChargeDisputeStatus.OPEN, new PageRequest("bad", 10)));
    }

    @Test
    default void aCommittedHoldCanBeDisputed() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        var hold = ledger().reserve(accountId, key, 1, Duration.ofMinutes(5));
        String transactionId = ledger().commit(hold.hold().holdId()).transactionId();
        asUser().submit(ChargeDisputeRequest.of(accountId, transactionId, "failed_render", 10));
        ChargeDispute reviewing = asReviewer().review(ledger().disputes().ofAccount(accountId, PageRequest.first())
                .disputes().get(0).disputeId());
        asReviewer().resolve(reviewing.disputeId(), 10, "render failed");
        assertEquals(100, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void anAccountsDisputesAreKeysetPagedOldestFirst() {
        String accountId = openFunded(100);
        String key = feature("clip", 5);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock().advance(Duration.ofSeconds(1));
            String tx = deductOk(accountId, key, 1).transactionId();
            ids.add(asUser().submit(ChargeDisputeRequest.of(accountId, tx, "x", 5)).disputeId());
        }
        List<String> seen = new ArrayList<>();
        ChargeDisputePage page = ledger().disputes().ofAccount(accountId, PageRequest.first(2));
        seen.addAll(page.disputes().stream().map(ChargeDispute::disputeId).toList());
        while (page.hasMore()) {
            page = ledger().disputes().ofAccount(accountId, page.next(2).orElseThrow());
            seen.addAll(page.disputes().stream().map(ChargeDispute::disputeId).toList());
        }
        assertEquals(ids, seen);
    }

    @Test
    default void statisticsCountAPeriodsDisputesWithTheirResolutionTimes() {
        // A period of its own, far from other tests' disputes in a shared store.
        clock().advance(Duration.ofMinutes(ThreadLocalRandom.current().nextLong(1_000_000, 2_000_000_000)));
        Instant from = now();
        String[] a = charged(20);
        String[] b = charged(30);
        String[] c = charged(40);
        String[] d = charged(10);
        ChargeDispute da = asUser().submit(ChargeDisputeRequest.of(a[0], a[1], "not_delivered", 20));
        clock().advance(Duration.ofMinutes(10));
        ChargeDispute db = asUser().submit(ChargeDisputeRequest.of(b[0], b[1], "poor_quality", 30));
        clock().advance(Duration.ofMinutes(10));
        ChargeDispute dc = asUser().submit(ChargeDisputeRequest.of(c[0], c[1], "not_delivered", 40));
        asUser().submit(ChargeDisputeRequest.of(d[0], d[1], "duplicate_charge", 10));
        // a: closed after 1 h; c: after 1 h 40 min; b: after 2 h 50 min.
        clock().advance(Duration.ofMinutes(40));
        asReviewer().review(da.disputeId());
        asReviewer().resolve(da.disputeId(), 10, "half");
        clock().advance(Duration.ofMinutes(60));
        asReviewer().review(dc.disputeId());
        asReviewer().resolve(dc.disputeId(), 40, "all");
        clock().advance(Duration.ofMinutes(60));
        asReviewer().review(db.disputeId());
        asReviewer().reject(db.disputeId(), "delivered");
        Instant to = now().plus(Duration.ofDays(1));
        clock().advance(Duration.ofDays(2));
        String[] outside = charged(5);
        asUser().submit(ChargeDisputeRequest.of(outside[0], outside[1], "not_delivered", 5));

        ChargeDisputeStatistics stats = ledger().disputes().statistics(from, to);
        assertEquals(Map.of(ChargeDisputeStatus.OPEN, 1L, ChargeDisputeStatus.UNDER_REVIEW, 0L,
                ChargeDisputeStatus.RESOLVED, 2L, ChargeDisputeStatus.REJECTED, 1L), stats.byStatus());
        assertEquals(Map.of("duplicate_charge", 1L, "not_delivered", 2L, "poor_quality", 1L), stats.byReason());
        assertEquals(4, stats.total());
        assertEquals(Duration.ofMinutes(100), stats.medianResolution());
        assertEquals(Duration.ofMinutes(170), stats.p90Resolution());
        assertEquals(100, stats.creditsRequested());
        assertEquals(50, stats.creditsRefunded());
        assertThrows(InvalidArgumentException.class, () -> ledger().disputes().statistics(to, from));
    }
}
