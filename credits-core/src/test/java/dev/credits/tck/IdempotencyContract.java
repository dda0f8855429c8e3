package dev.credits.tck;

import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule 14: idempotency keys on grant, deduction, reservation and refund, per account. */
public interface IdempotencyContract extends ContractFixture {

    private long count(String accountId, EntryType type) {
        return entries(accountId).stream().filter(entry -> entry.type() == type).count();
    }

    @Test
    default void aReplayedGrantReturnsTheFirstResultWithoutASecondEffect() {
        String accountId = openAccount();
        GrantRequest request = GrantRequest.of(accountId, 50).withReason("purchase").withIdempotencyKey("stripe:pi_1");
        GrantResult first = ledger().grant(request);
        deductOk(accountId, feature("unit", 1), 5);
        AccountState before = state(accountId);

        GrantResult replay = ledger().grant(request);

        assertFalse(first.replayed());
        assertTrue(replay.replayed());
        assertEquals(first.transactionId(), replay.transactionId());
        assertEquals(first.lot().lotId(), replay.lot().lotId());
        assertEquals(first.debtPaid(), replay.debtPaid());
        assertEquals(first.balanceAfter(), replay.balanceAfter());
        assertEquals(first.sequence(), replay.sequence());
        assertUnchanged(before, accountId);
        assertEquals(1, count(accountId, EntryType.GRANT));
        assertEquals(new GrantResult(first.lot(), first.debtPaid(), first.balanceAfter(), first.sequence(), true),
                replay, "a replay returns the first result, not the lot as it is now");
    }

    @Test
    default void aReplayedDeductionReturnsTheFirstResultWithoutASecondEffect() {
        String accountId = openFunded(100);
        DeductRequest request = DeductRequest.of(accountId, feature("image", 7)).withQuantity(2).withUserId("user_1")
                .withMetadata(Map.of("request", "r-9")).withIdempotencyKey("req-9");
        DeductionResult first = ledger().deductCredits(request);
        grant(accountId, 10);
        AccountState before = state(accountId);

        DeductionResult replay = ledger().deductCredits(request);

        assertTrue(first.success());
        assertFalse(first.replayed());
        assertEquals(new DeductionResult(true, null, accountId, request.featureKey(), first.transactionId(), 2, 7, 14,
                86, 14, 100, first.sequence(), null, 0, true), replay);
        assertUnchanged(before, accountId);
        assertEquals(1, count(accountId, EntryType.DEDUCTION));
    }

    @Test
    default void aReplayedReservationReturnsTheSameHold() {
        String accountId = openFunded(100);
        ReserveRequest request = ReserveRequest.of(accountId, feature("render", 10)).withQuantity(2)
                .withTimeout(Duration.ofMinutes(2)).withIdempotencyKey("job-1");
        ReservationResult first = ledger().reserve(request);
        AccountState before = state(accountId);

        ReservationResult replay = ledger().reserve(request);

        assertTrue(replay.replayed());
        assertTrue(replay.success());
        assertEquals(first.hold(), replay.hold());
        assertEquals(first.required(), replay.required());
        assertEquals(first.available(), replay.available());
        assertEquals(first.sequence(), replay.sequence());
        assertUnchanged(before, accountId);
        assertEquals(20, balance(accountId).held());
        assertEquals("job-1", first.hold().idempotencyKey());
    }

    @Test
    default void aReplayedRefundReturnsTheFirstResultWithoutASecondEffect() {
        String accountId = openFunded(100);
        String tx = deductOk(accountId, feature("image", 10), 3).transactionId();
        RefundRequest request = RefundRequest.of(tx).withCredits(5).withReason("dispute").withIdempotencyKey("ref-1");
        RefundResult first = ledger().refundCredits(request);
        AccountState before = state(accountId);

        RefundResult replay = ledger().refundCredits(request);

        assertTrue(replay.replayed());
        assertEquals(new RefundResult(first.transactionId(), tx, accountId, 5, 5, first.remainingCredits(),
                first.sequence(), true), replay);
        assertUnchanged(before, accountId);
        assertEquals(1, count(accountId, EntryType.REFUND));
        assertEquals(30 - 5, ledger().refundCredits(RefundRequest.of(tx)).creditsRefunded());
    }

    @Test
    default void theSameKeyWithADifferentRequestConflictsAndChangesNothing() {
        String accountId = openFunded(100);
        String key = feature("image", 10);
        ledger().grant(GrantRequest.of(accountId, 10).withIdempotencyKey("k-grant"));
        ledger().deductCredits(DeductRequest.of(accountId, key).withIdempotencyKey("k-deduct"));
        ledger().reserve(ReserveRequest.of(accountId, key).withIdempotencyKey("k-reserve"));
        String tx = deductOk(accountId, key, 2).transactionId();
        ledger().refundCredits(RefundRequest.of(tx).withCredits(1).withIdempotencyKey("k-refund"));

        IdempotencyConflictException conflict = assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().grant(GrantRequest.of(accountId, 11).withIdempotencyKey("k-grant")));
        assertEquals(accountId, conflict.accountId());
        assertEquals("k-grant", conflict.idempotencyKey());
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().deductCredits(DeductRequest.of(accountId, key).withIdempotencyKey("k-grant")));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().deductCredits(DeductRequest.of(accountId, key).withQuantity(2)
                        .withIdempotencyKey("k-deduct")));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().deductCredits(DeductRequest.of(accountId, key).withUserId("user_2")
                        .withIdempotencyKey("k-deduct")));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().reserve(ReserveRequest.of(accountId, key).withQuantity(3)
                        .withIdempotencyKey("k-reserve")));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().refundCredits(RefundRequest.of(tx).withCredits(2).withIdempotencyKey("k-refund")));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().reserve(ReserveRequest.of(accountId, key).withIdempotencyKey("k-refund")));
    }

    @Test
    default void keysBelongToOneAccount() {
        String first = openFunded(100);
        String second = openFunded(100);
        String key = feature("image", 10);

        GrantResult grantA = ledger().grant(GrantRequest.of(first, 5).withIdempotencyKey("shared"));
        GrantResult grantB = ledger().grant(GrantRequest.of(second, 5).withIdempotencyKey("shared"));
        DeductionResult deductA = ledger().deductCredits(DeductRequest.of(first, key).withIdempotencyKey("shared-d"));
        DeductionResult deductB = ledger().deductCredits(DeductRequest.of(second, key).withIdempotencyKey("shared-d"));

        assertFalse(grantB.replayed());
        assertNotEquals(grantA.transactionId(), grantB.transactionId());
        assertFalse(deductB.replayed());
        assertTrue(deductB.success());
        assertNotEquals(deductA.transactionId(), deductB.transactionId());
        assertEquals(95, available(first));
        assertEquals(95, available(second));
    }

    @Test
    default void aRejectedCallIsNotRecordedUnderItsKey() {
        String accountId = openAccount();
        String key = feature("image", 10);
        DeductRequest deduct = DeductRequest.of(accountId, key).withIdempotencyKey("retry-me");
        ReserveRequest reserve = ReserveRequest.of(accountId, key).withIdempotencyKey("retry-hold");
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(deduct).reason());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().reserve(reserve).reason());
        grant(accountId, 25);

        DeductionResult retried = ledger().deductCredits(deduct);
        ReservationResult reserved = ledger().reserve(reserve);

        assertTrue(retried.success(), () -> "the rejection was replayed: " + retried);
        assertFalse(retried.replayed());
        assertTrue(reserved.success(), () -> "the rejection was replayed: " + reserved);
        assertFalse(reserved.replayed());
        assertTrue(ledger().deductCredits(deduct).replayed());
        assertEquals(5, available(accountId));
    }

    @Test
    default void concurrentCallsWithOneKeyTakeEffectOnce() throws Exception {
        String accountId = openFunded(1000);
        DeductRequest request = DeductRequest.of(accountId, feature("image", 10)).withIdempotencyKey("double-click");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<DeductionResult> results = new ArrayList<>();
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DeductionResult>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return ledger().deductCredits(request);
                }));
            }
            ready.await(30, TimeUnit.SECONDS);
            start.countDown();
            for (Future<DeductionResult> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(1, new HashSet<>(results.stream().map(DeductionResult::transactionId).toList()).size(),
                () -> "different transactions: " + results);
        assertTrue(results.stream().allMatch(DeductionResult::success));
        assertEquals(1, results.stream().filter(result -> !result.replayed()).count(), "exactly one first call");
        List<LedgerEntry> deductions = entries(accountId).stream()
                .filter(entry -> entry.type() == EntryType.DEDUCTION).toList();
        assertEquals(1, deductions.size());
        assertEquals(results.get(0).transactionId(), deductions.get(0).transactionId());
        assertEquals(990, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aGrantRetriedAfterItsExpiryPassedStillReplaysItsFirstResult() {
        String accountId = openAccount();
        GrantRequest request = GrantRequest.of(accountId, 40).withExpiresAt(now().plus(Duration.ofHours(1)))
                .withIdempotencyKey("webhook-evt-1");
        GrantResult first = ledger().grant(request);
        advance(Duration.ofHours(2));

        GrantResult retry = ledger().grant(request);

        assertTrue(retry.replayed());
        assertEquals(first.lot(), retry.lot());
        assertEquals(first.sequence(), retry.sequence());
        assertInvariants(accountId);
    }
}
