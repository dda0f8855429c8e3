package dev.credits.tck;

import dev.credits.Balance;
import dev.credits.ChargeResult;
import dev.credits.CommitResult;
import dev.credits.EntryType;
import dev.credits.ExpiryReport;
import dev.credits.FeatureDefinition;
import dev.credits.Hold;
import dev.credits.HoldStateException;
import dev.credits.HoldStatus;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.RejectionReason;
import dev.credits.ReleaseResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownHoldException;
import dev.credits.GrantResult;
import dev.credits.LotSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules 9 and 10: holds (reserve, commit, release, expiry at the deadline) and {@code charge}. */
public interface HoldContract extends ContractFixture {

    /** Reserves {@code quantity} units and asserts it succeeded. @return the hold */
    private Hold reserveOk(String accountId, String featureKey, long quantity) {
        ReservationResult result = ledger().reserve(ReserveRequest.of(accountId, featureKey).withQuantity(quantity));
        assertTrue(result.success(), () -> "reservation expected to succeed: " + result);
        return result.hold();
    }

    @Test
    default void reserveHoldsCreditsWithoutChangingTheTotal() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        AccountState before = state(accountId);

        ReservationResult result = ledger().reserve(ReserveRequest.of(accountId, key).withQuantity(3)
                .withUserId("user_1").withMetadata(Map.of("job", "j-1")));

        assertTrue(result.success());
        assertNull(result.reason());
        assertEquals(30, result.required());
        assertEquals(70, result.available());
        assertEquals(before.account().sequence() + 1, result.sequence());
        assertFalse(result.replayed());
        Hold hold = result.hold();
        assertNotNull(hold.holdId());
        assertEquals(accountId, hold.accountId());
        assertEquals("credits", hold.creditType());
        assertEquals(key, hold.featureKey());
        assertEquals(3, hold.quantity());
        assertEquals(10, hold.unitPrice());
        assertEquals(30, hold.amount());
        assertEquals(HoldStatus.OPEN, hold.status());
        assertEquals("user_1", hold.userId());
        assertEquals(Map.of("job", "j-1"), hold.metadata());
        assertEquals(now(), hold.createdAt());
        assertEquals(now().plus(Duration.ofMinutes(5)), hold.expiresAt());
        assertNull(hold.resolvedAt());
        assertEquals(0, hold.committedCredits());
        assertNull(hold.transactionId());
        assertEquals(Optional.of(hold), ledger().getHold(hold.holdId()));
        Balance balance = balance(accountId);
        assertEquals(100, balance.total());
        assertEquals(30, balance.held());
        assertEquals(70, balance.available());
        assertEquals(30, balance.lots().get(0).held());
        assertEquals(70, ledger().checkCredits(accountId, key).available());
        assertEquals(before.entries(), entries(accountId), "a reservation wrote an entry");
    }

    @Test
    default void aRejectedReservationIsAValueThatChangesNothing() {
        String accountId = openFunded(20);
        String key = feature("render", 10);
        AccountState before = state(accountId);

        ReservationResult result = ledger().reserve(accountId, key, 3, Duration.ofMinutes(1));

        assertFalse(result.success());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, result.reason());
        assertNull(result.hold());
        assertEquals(30, result.required());
        assertEquals(20, result.available());
        assertEquals(before.account().sequence(), result.sequence());
        assertUnchanged(before, accountId);
    }

    @Test
    default void commitChargesEverythingHeldAsOneDeduction() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        Hold hold = ledger().reserve(ReserveRequest.of(accountId, key).withQuantity(3).withUserId("user_1")
                .withMetadata(Map.of("job", "j-1"))).hold();
        Instant commitTime = advance(Duration.ofSeconds(40));

        CommitResult commit = ledger().commit(hold.holdId());

        assertEquals(30, commit.creditsCharged());
        assertEquals(0, commit.creditsReleased());
        assertEquals(70, commit.remainingCredits());
        assertEquals(sequence(accountId), commit.sequence());
        assertEquals(HoldStatus.COMMITTED, commit.hold().status());
        assertEquals(commitTime, commit.hold().resolvedAt());
        assertEquals(30, commit.hold().committedCredits());
        assertEquals(commit.transactionId(), commit.hold().transactionId());
        assertEquals(Optional.of(commit.hold()), ledger().getHold(hold.holdId()));
        List<LedgerEntry> entries = entries(accountId);
        assertEquals(2, entries.size(), "a commit writes exactly one entry");
        LedgerEntry entry = entries.get(0);
        assertEquals(commit.transactionId(), entry.transactionId());
        assertEquals(EntryType.DEDUCTION, entry.type());
        assertEquals(-30, entry.amount());
        assertEquals(hold.holdId(), entry.holdId());
        assertEquals(key, entry.featureKey());
        assertEquals(3, entry.quantity());
        assertEquals(10, entry.unitPrice());
        assertEquals("user_1", entry.userId());
        assertEquals(Map.of("job", "j-1"), entry.metadata());
        assertEquals(commit.sequence(), entry.sequence());
        Balance balance = balance(accountId);
        assertEquals(70, balance.total());
        assertEquals(0, balance.held());
        assertInvariants(accountId);
    }

    @Test
    default void commitOfFewerCreditsReleasesTheRest() {
        String accountId = openFunded(100);
        Hold hold = reserveOk(accountId, feature("render", 10), 3);

        CommitResult commit = ledger().commit(hold.holdId(), 12);

        assertEquals(12, commit.creditsCharged());
        assertEquals(18, commit.creditsReleased());
        assertEquals(88, commit.remainingCredits());
        assertEquals(12, commit.hold().committedCredits());
        assertEquals(-12, ledger().receipt(commit.transactionId()).entry().amount());
        Balance balance = balance(accountId);
        assertEquals(88, balance.total());
        assertEquals(0, balance.held());
        assertInvariants(accountId);
    }

    @Test
    default void commitOfMoreThanHeldThrowsAndChangesNothing() {
        String accountId = openFunded(100);
        Hold hold = reserveOk(accountId, feature("render", 10), 3);

        assertThrowsUnchanged(InvalidArgumentException.class, accountId, () -> ledger().commit(hold.holdId(), 31));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId, () -> ledger().commit(hold.holdId(), -1));

        assertEquals(HoldStatus.OPEN, ledger().getHold(hold.holdId()).orElseThrow().status());
        assertEquals(30, ledger().commit(hold.holdId(), 30).creditsCharged());
    }

    @Test
    default void commitQuantityChargesTheHoldsUnitPrice() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        Hold hold = reserveOk(accountId, key, 3);
        ledger().updateFeaturePricing(FeatureDefinition.of(key, "Render", 50));

        CommitResult commit = ledger().commitQuantity(hold.holdId(), 2);

        assertEquals(20, commit.creditsCharged());
        assertEquals(10, commit.creditsReleased());
        assertEquals(80, available(accountId));
        LedgerEntry entry = ledger().receipt(commit.transactionId()).entry();
        assertEquals(2, entry.quantity());
        assertEquals(10, entry.unitPrice());
        assertEquals(-20, entry.amount());
    }

    @Test
    default void commitQuantityAboveTheHeldQuantityThrowsAndChangesNothing() {
        String accountId = openFunded(100);
        Hold hold = reserveOk(accountId, feature("render", 10), 3);

        assertThrowsUnchanged(InvalidArgumentException.class, accountId, () -> ledger().commitQuantity(hold.holdId(), 4));

        assertEquals(HoldStatus.OPEN, ledger().getHold(hold.holdId()).orElseThrow().status());
    }

    @Test
    default void releaseGivesTheCreditsBackWithoutAnEntry() {
        String accountId = openFunded(100);
        Hold hold = reserveOk(accountId, feature("render", 10), 3);
        AccountState before = state(accountId);

        ReleaseResult release = ledger().release(hold.holdId());

        assertEquals(HoldStatus.RELEASED, release.hold().status());
        assertEquals(now(), release.hold().resolvedAt());
        assertEquals(30, release.creditsReleased());
        assertEquals(100, release.remainingCredits());
        assertEquals(before.account().sequence() + 1, release.sequence());
        assertEquals(release.sequence(), sequence(accountId));
        assertEquals(before.entries(), entries(accountId), "a release wrote an entry");
        Balance balance = balance(accountId);
        assertEquals(100, balance.total());
        assertEquals(0, balance.held());
        assertEquals(100, balance.available());
        assertEquals(Optional.of(release.hold()), ledger().getHold(hold.holdId()));
    }

    @Test
    default void aResolvedHoldNeverMovesToAnotherState() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        Hold released = reserveOk(accountId, key, 1);
        Hold committed = reserveOk(accountId, key, 1);
        ledger().release(released.holdId());
        ledger().commit(committed.holdId());

        HoldStateException commitReleased = assertThrowsUnchanged(HoldStateException.class, accountId,
                () -> ledger().commit(released.holdId()));
        HoldStateException releaseCommitted = assertThrowsUnchanged(HoldStateException.class, accountId,
                () -> ledger().release(committed.holdId()));

        assertEquals(HoldStatus.RELEASED, commitReleased.status());
        assertEquals(released.holdId(), commitReleased.holdId());
        assertEquals(HoldStatus.COMMITTED, releaseCommitted.status());
        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().commitQuantity(released.holdId(), 1));
    }

    @Test
    default void committingACommittedHoldAgainReturnsTheSameOutcomeOnlyForTheSameCredits() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        Hold full = reserveOk(accountId, key, 3);
        Hold partial = reserveOk(accountId, key, 3);
        CommitResult fullCommit = ledger().commit(full.holdId());
        CommitResult partialCommit = ledger().commit(partial.holdId(), 12);
        AccountState before = state(accountId);

        CommitResult fullAgain = ledger().commit(full.holdId());
        CommitResult fullAgainExplicit = ledger().commit(full.holdId(), 30);
        CommitResult partialAgain = ledger().commit(partial.holdId(), 12);

        assertEquals(fullCommit.transactionId(), fullAgain.transactionId());
        assertEquals(fullCommit.transactionId(), fullAgainExplicit.transactionId());
        assertEquals(30, fullAgain.creditsCharged());
        assertEquals(partialCommit.transactionId(), partialAgain.transactionId());
        assertEquals(12, partialAgain.creditsCharged());
        assertEquals(18, partialAgain.creditsReleased());
        assertUnchanged(before, accountId);
        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().commit(full.holdId(), 5));
        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().commit(partial.holdId()));
    }

    @Test
    default void releasingAReleasedHoldAgainReturnsWithoutChange() {
        String accountId = openFunded(100);
        Hold hold = reserveOk(accountId, feature("render", 10), 3);
        ReleaseResult first = ledger().release(hold.holdId());
        AccountState before = state(accountId);

        ReleaseResult again = ledger().release(hold.holdId());

        assertEquals(HoldStatus.RELEASED, again.hold().status());
        assertEquals(first.hold(), again.hold());
        assertEquals(100, again.remainingCredits());
        assertEquals(before.account().sequence(), again.sequence());
        assertUnchanged(before, accountId);
    }

    @Test
    default void unknownHoldIdsAreRejected() {
        String unknown = UUID.randomUUID().toString();

        assertThrows(UnknownHoldException.class, () -> ledger().commit(unknown));
        assertThrows(UnknownHoldException.class, () -> ledger().commit(unknown, 1));
        assertThrows(UnknownHoldException.class, () -> ledger().commitQuantity(unknown, 1));
        assertThrows(UnknownHoldException.class, () -> ledger().release(unknown));
        assertEquals(Optional.empty(), ledger().getHold(unknown));
    }

    @Test
    default void aHoldExpiresExactlyAtItsDeadlineEvenBeforeASweep() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        Hold hold = reserveOk(accountId, key, 3);
        Instant deadline = hold.createdAt().plus(Duration.ofMinutes(5));
        assertEquals(deadline, hold.expiresAt());

        clock().set(deadline.minusMillis(1));
        assertEquals(HoldStatus.OPEN, ledger().getHold(hold.holdId()).orElseThrow().status());
        assertEquals(30, balance(accountId).held());

        clock().set(deadline);
        Hold expired = ledger().getHold(hold.holdId()).orElseThrow();
        assertEquals(HoldStatus.EXPIRED, expired.status());
        Balance balance = balance(accountId);
        assertEquals(0, balance.held());
        assertEquals(100, balance.available());
        assertEquals(100, balance.total());
        assertEquals(100, ledger().checkCredits(accountId, key).available());
        HoldStateException refused = assertThrowsUnchanged(HoldStateException.class, accountId,
                () -> ledger().commit(hold.holdId()));
        assertEquals(HoldStatus.EXPIRED, refused.status());
    }

    @Test
    default void expireDueMarksHoldsPastTheirDeadlineExpired() {
        String accountId = openFunded(100);
        Hold hold = ledger().reserve(ReserveRequest.of(accountId, feature("render", 10)).withQuantity(3)
                .withTimeout(Duration.ofSeconds(90))).hold();
        assertEquals(hold.createdAt().plusSeconds(90), hold.expiresAt());
        advance(Duration.ofSeconds(90));
        long before = sequence(accountId);

        ExpiryReport report = ledger().expireDue();

        assertTrue(report.holdsExpired() >= 1, () -> "no hold expired: " + report);
        assertTrue(report.accounts() >= 1, () -> "no account touched: " + report);
        assertEquals(before + 1, sequence(accountId), "the sweep did not change the account once");
        assertEquals(HoldStatus.EXPIRED, ledger().getHold(hold.holdId()).orElseThrow().status());
        AccountState swept = state(accountId);
        ReleaseResult release = ledger().release(hold.holdId());
        assertEquals(HoldStatus.EXPIRED, release.hold().status());
        assertEquals(100, release.remainingCredits());
        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().commit(hold.holdId()));
        ledger().expireDue();
        assertUnchanged(swept, accountId);
        assertInvariants(accountId);
    }

    @Test
    default void chargeReservesRunsTheWorkAndCommits() throws Exception {
        String accountId = openFunded(100);
        String key = feature("staging", 20);

        ChargeResult<String> oneUnit = ledger().charge(accountId, key, () -> "staged");
        ChargeResult<Integer> twoUnits = ledger().charge(ReserveRequest.of(accountId, key).withQuantity(2), () -> 2);

        assertTrue(oneUnit.success());
        assertNull(oneUnit.reason());
        assertEquals("staged", oneUnit.value());
        assertEquals(20, oneUnit.required());
        assertEquals(80, oneUnit.available());
        assertEquals(20, oneUnit.commit().creditsCharged());
        assertEquals(HoldStatus.COMMITTED, oneUnit.commit().hold().status());
        assertEquals(40, twoUnits.commit().creditsCharged());
        assertEquals(40, twoUnits.available());
        LedgerEntry entry = ledger().receipt(oneUnit.commit().transactionId()).entry();
        assertEquals(EntryType.DEDUCTION, entry.type());
        assertEquals(oneUnit.commit().hold().holdId(), entry.holdId());
        assertEquals(0, balance(accountId).held());
        assertInvariants(accountId);
    }

    @Test
    default void committingAHoldOfAFreeFeatureStillWritesItsDeduction() {
        String accountId = openFunded(100);
        String free = feature("preview", 0);

        ChargeResult<String> result = ledger().charge(ReserveRequest.of(accountId, free).withQuantity(3), () -> "ok");

        assertTrue(result.success());
        assertEquals(0, result.commit().creditsCharged());
        assertNotNull(result.commit().transactionId(), "a commit of a free feature wrote no deduction entry");
        LedgerEntry entry = ledger().receipt(result.commit().transactionId()).entry();
        assertEquals(EntryType.DEDUCTION, entry.type());
        assertEquals(0, entry.amount());
        assertEquals(3, entry.quantity());
        assertEquals(free, entry.featureKey());
        assertEquals(result.commit().hold().holdId(), entry.holdId());
        assertEquals(100, available(accountId));
    }

    @Test
    default void chargeReleasesTheHoldAndRethrowsWhenTheWorkFails() {
        String accountId = openFunded(100);
        String key = feature("staging", 20);
        AccountState before = state(accountId);
        IllegalStateException failure = new IllegalStateException("generation failed");
        IOException checked = new IOException("upstream down");

        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> ledger().charge(accountId, key, () -> {
                    throw failure;
                }));
        IOException thrownChecked = assertThrows(IOException.class,
                () -> ledger().charge(accountId, key, () -> {
                    throw checked;
                }));

        assertSame(failure, thrown);
        assertSame(checked, thrownChecked);
        Balance balance = balance(accountId);
        Balance was = before.balances().get("credits");
        assertEquals(was.total(), balance.total());
        assertEquals(was.held(), balance.held());
        assertEquals(was.available(), balance.available());
        assertEquals(was.lots(), balance.lots());
        assertEquals(before.entries(), entries(accountId), "a failed charge wrote an entry");
    }

    @Test
    default void chargeDoesNotRunTheWorkWhenTheReservationIsRejected() {
        String accountId = openFunded(10);
        String key = feature("staging", 20);
        AccountState before = state(accountId);
        AtomicBoolean ran = new AtomicBoolean();

        ChargeResult<String> result = ledger().charge(accountId, key, () -> {
            ran.set(true);
            return "should not run";
        });

        assertFalse(ran.get(), "the work ran although the reservation was rejected");
        assertFalse(result.success());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, result.reason());
        assertNull(result.value());
        assertNull(result.commit());
        assertEquals(20, result.required());
        assertEquals(10, result.available());
        assertUnchanged(before, accountId);
    }

    @Test
    default void aHoldOnOverdraftIsPaidAtCommitByCreditsGrantedMeanwhile() {
        String accountId = openAccountWithOverdraft(50);
        String feature = feature("render", 30);
        ReservationResult reservation = ledger().reserve(ReserveRequest.of(accountId, feature));
        assertTrue(reservation.success());
        assertEquals(-30, available(accountId));
        GrantResult topUp = grant(accountId, 100);
        assertEquals(0, topUp.debtPaid(), "held overdraft is not debt yet");

        CommitResult commit = ledger().commit(reservation.hold().holdId());

        assertEquals(70, commit.remainingCredits());
        Balance balance = balance(accountId);
        assertEquals(70, balance.total());
        assertFalse(balance.lots().stream().anyMatch(lot -> lot.source() == LotSource.OVERDRAFT && lot.remaining() < 0),
                "debt booked although credits were available: " + balance.lots());
        assertEquals(70, remaining(accountId, topUp.lot().lotId()));
        assertInvariants(accountId);
    }

    @Test
    default void chargeWithAnIdempotencyKeyRunsTheWorkOnce() {
        String accountId = openFunded(100);
        String feature = feature("render", 10);
        AtomicInteger runs = new AtomicInteger();
        ReserveRequest request = ReserveRequest.of(accountId, feature).withIdempotencyKey("job-1");

        ChargeResult<String> first = ledger().charge(request, () -> "image-" + runs.incrementAndGet());
        ChargeResult<String> again = ledger().charge(request, () -> "image-" + runs.incrementAndGet());

        assertEquals(1, runs.get(), "the work ran again on a replay");
        assertTrue(first.success());
        assertFalse(first.replayed());
        assertEquals("image-1", first.value());
        assertTrue(again.success());
        assertTrue(again.replayed());
        assertNull(again.value());
        assertEquals(first.commit().transactionId(), again.commit().transactionId());
        assertEquals(90, available(accountId));

        ReserveRequest failing = ReserveRequest.of(accountId, feature).withIdempotencyKey("job-2");
        assertThrows(IllegalStateException.class, () -> ledger().charge(failing, () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("model crashed");
        }));
        assertThrowsUnchanged(HoldStateException.class, accountId,
                () -> ledger().charge(failing, () -> "image-" + runs.incrementAndGet()));
        assertEquals(2, runs.get(), "the work of a failed charge ran again under the same key");
        assertEquals(90, available(accountId));
        assertInvariants(accountId);
    }
}
