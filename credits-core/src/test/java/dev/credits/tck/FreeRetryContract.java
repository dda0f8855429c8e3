package dev.credits.tck;

import dev.credits.ChargeResult;
import dev.credits.CommitResult;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.FeatureDefinition;
import dev.credits.Hold;
import dev.credits.LedgerEntry;
import dev.credits.RefundLimitException;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Free retries through holds and {@code charge} as through deductions, rolled-back retries giving their free slot
 * back, 0-credit refunds, and originals refunded in full earning no free retries.
 */
public interface FreeRetryContract extends CommerceFixture {

    /** @return the key of a new "empty-room generation" feature: 10 credits, 2 free retries */
    private String emptyRoom() {
        String key = newFeatureKey("empty_room_generation");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Empty-room generation", 10).withFreeRetries(2));
        return key;
    }

    private ReservationResult reserveRetry(String accountId, String key, String original) {
        ReservationResult result = ledger().reserve(ReserveRequest.of(accountId, key).withRetryOf(original));
        assertTrue(result.success(), () -> "retry reservation expected to succeed: " + result);
        return result;
    }

    @Test
    default void retriesReservedThroughHoldsAreFreeThenCostThePrice() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();

        Hold first = reserveRetry(accountId, key, original).hold();
        Hold second = reserveRetry(accountId, key, original).hold();
        Hold third = reserveRetry(accountId, key, original).hold();

        assertEquals(List.of(1, 2, 3), List.of(first.retryNumber(), second.retryNumber(), third.retryNumber()));
        assertEquals(List.of(0L, 0L, 10L), List.of(first.amount(), second.amount(), third.amount()));
        assertEquals(original, first.retryOf());
        CommitResult committed = ledger().commit(first.holdId());
        LedgerEntry entry = ledger().receipt(committed.transactionId()).entry();
        assertEquals(1, entry.retryNumber());
        assertEquals(original, entry.referenceId());
        assertEquals(0, entry.amount());
        ledger().commit(second.holdId());
        ledger().commit(third.holdId());
        assertEquals(80, available(accountId), "the original and the third retry are paid");
        assertInvariants(accountId);
    }

    @Test
    default void aReleasedRetryHoldGivesItsFreeSlotBack() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();

        Hold failed = reserveRetry(accountId, key, original).hold();
        ledger().release(failed.holdId());
        Hold again = reserveRetry(accountId, key, original).hold();
        Hold second = reserveRetry(accountId, key, original).hold();
        Hold paid = reserveRetry(accountId, key, original).hold();

        assertEquals(1, again.retryNumber(), "the released retry's slot came back");
        assertEquals(0, again.amount());
        assertEquals(2, second.retryNumber());
        assertEquals(0, second.amount());
        assertEquals(3, paid.retryNumber());
        assertEquals(10, paid.amount());
    }

    @Test
    default void aRetryHoldPastItsDeadlineGivesItsSlotBack() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();
        reserveRetry(accountId, key, original);
        reserveRetry(accountId, key, original);

        advance(java.time.Duration.ofHours(2));

        assertEquals(0, reserveRetry(accountId, key, original).hold().amount(), "expired holds hold no slot");
    }

    @Test
    default void aFailingRetryThroughChargeIsReleasedAndTheNextRetryIsStillFree() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        ChargeResult<String> generated = ledger().charge(ReserveRequest.of(accountId, key), () -> "room-1.png");
        String original = generated.commit().transactionId();

        ReserveRequest retry = ReserveRequest.of(accountId, key).withRetryOf(original);
        assertThrows(IllegalStateException.class, () -> ledger().charge(retry, () -> {
            throw new IllegalStateException("generation failed");
        }));
        ChargeResult<String> first = ledger().charge(retry, () -> "room-2.png");
        ChargeResult<String> second = ledger().charge(retry, () -> "room-3.png");
        ChargeResult<String> third = ledger().charge(retry, () -> "room-4.png");

        assertEquals(List.of(0L, 0L, 10L), List.of(first.commit().creditsCharged(), second.commit().creditsCharged(),
                third.commit().creditsCharged()));
        assertEquals(List.of(1, 2, 3), List.of(first.commit().hold().retryNumber(),
                second.commit().hold().retryNumber(), third.commit().hold().retryNumber()));
        assertEquals(80, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aRefundedFreeRetryGivesItsSlotBackAndRefundingItAgainChangesNothing() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();
        DeductionResult free = ledger().deductCredits(DeductRequest.of(accountId, key).withRetryOf(original));
        assertEquals(0, free.creditsDeducted());
        long sequence = sequence(accountId);

        RefundResult refund = ledger().refundCredits(RefundRequest.of(free.transactionId()));
        AccountState after = state(accountId);
        RefundResult again = ledger().refundCredits(RefundRequest.of(free.transactionId()));

        assertEquals(0, refund.creditsRefunded());
        assertEquals(90, refund.remainingCredits());
        assertEquals(sequence + 1, refund.sequence(), "the rollback is recorded (a 0-credit REFUND entry)");
        LedgerEntry entry = ledger().receipt(refund.transactionId()).entry();
        assertEquals(EntryType.REFUND, entry.type());
        assertEquals(0, entry.amount());
        assertEquals(0, again.creditsRefunded());
        assertUnchanged(after, accountId);
        assertEquals(90, available(accountId));
        DeductionResult next = ledger().deductCredits(DeductRequest.of(accountId, key).withRetryOf(original));
        assertEquals(1, next.retryNumber(), "the refunded retry's slot came back");
        assertEquals(0, next.creditsDeducted());
        assertThrows(RefundLimitException.class,
                () -> ledger().refundCredits(RefundRequest.of(next.transactionId()).withCredits(1)),
                "a 0-credit deduction has no credit to give back");
    }

    @Test
    default void anOriginalRefundedInFullEarnsNoFreeRetries() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();
        ledger().refundCredits(RefundRequest.of(original));

        DeductionResult retry = ledger().deductCredits(DeductRequest.of(accountId, key).withRetryOf(original));
        ReservationResult held = ledger().reserve(ReserveRequest.of(accountId, key).withRetryOf(original));

        assertTrue(retry.success());
        assertEquals(10, retry.creditsDeducted(), "charged as an original");
        assertEquals(0, retry.retryNumber());
        assertEquals(10, held.hold().amount());
        assertEquals(0, held.hold().retryNumber());
        assertEquals(0, ledger().receipt(retry.transactionId()).entry().retryNumber(), "recorded as an original");
        DeductionResult retryOfRetry = ledger().deductCredits(
                DeductRequest.of(accountId, key).withRetryOf(retry.transactionId()));
        assertEquals(1, retryOfRetry.retryNumber(), "the paid one is a new original with its own free retries");
        assertEquals(0, retryOfRetry.creditsDeducted());
    }

    @Test
    default void anOriginalRefundedInPartStillEarnsItsFreeRetries() {
        String key = emptyRoom();
        String accountId = openFunded(100);
        String original = deductOk(accountId, key, 1).transactionId();
        ledger().refundCredits(RefundRequest.of(original).withCredits(4));

        DeductionResult retry = ledger().deductCredits(DeductRequest.of(accountId, key).withRetryOf(original));

        assertEquals(1, retry.retryNumber());
        assertEquals(0, retry.creditsDeducted());
    }

    @Test
    default void simultaneousRetriesThroughHoldsGetExactlyTheFreeOnes() throws Exception {
        String key = emptyRoom();
        String accountId = openFunded(1_000);
        String original = deductOk(accountId, key, 1).transactionId();
        int threads = 8;

        List<ReservationResult> results = concurrently(threads, i -> () -> ledger().reserve(
                ReserveRequest.of(accountId, key).withRetryOf(original)));

        assertTrue(results.stream().allMatch(ReservationResult::success));
        assertEquals(2, results.stream().filter(r -> r.hold().amount() == 0).count(), "exactly 2 free");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8),
                results.stream().map(r -> r.hold().retryNumber()).sorted().toList());
        List<CommitResult> commits = concurrently(threads, i -> () -> ledger().commit(results.get(i).hold().holdId()));
        assertEquals(60, commits.stream().mapToLong(CommitResult::creditsCharged).sum());
        assertEquals(1_000 - 10 - 60, available(accountId));
        assertFalse(results.stream().anyMatch(r -> r.hold().retryNumber() <= 2 && r.hold().amount() > 0));
        assertInvariants(accountId);
    }
}
