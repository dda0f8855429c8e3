package dev.credits.tck;

import dev.credits.Allocation;
import dev.credits.Balance;
import dev.credits.CommitResult;
import dev.credits.CreditLedger;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.GrantResult;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.RefundLimitException;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownTransactionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Rule 8: refunds go back to the lots the credits came from, and never exceed what was charged. */
public interface RefundContract extends ContractFixture {

    private List<Allocation> refundLines(RefundResult refund) {
        return ledger().receipt(refund.transactionId()).allocations();
    }

    private static Allocation line(String ownerId, int position, String lotId, long amount) {
        return new Allocation(ownerId, position, lotId, amount);
    }

    /** @return the one live lot of the account with this source */
    private Lot lotOfSource(String accountId, LotSource source) {
        List<Lot> lots = balance(accountId).lots().stream().filter(lot -> lot.source() == source).toList();
        assertEquals(1, lots.size(), () -> "expected one " + source + " lot: " + lots);
        return lots.get(0);
    }

    @Test
    default void refundCreditsReturnsEverythingNotYetRefunded() {
        String accountId = openFunded(100);
        String key = feature("image", 7);
        DeductionResult deduction = deductOk(accountId, key, 3);

        RefundResult refund = ledger().refundCredits(deduction.transactionId(), "job failed", null);

        assertEquals(deduction.transactionId(), refund.originalTransactionId());
        assertEquals(accountId, refund.accountId());
        assertEquals(21, refund.creditsRefunded());
        assertEquals(21, refund.totalRefunded());
        assertEquals(100, refund.remainingCredits());
        assertEquals(sequence(accountId), refund.sequence());
        assertFalse(refund.replayed());
        LedgerEntry entry = entries(accountId).get(0);
        assertEquals(refund.transactionId(), entry.transactionId());
        assertEquals(EntryType.REFUND, entry.type());
        assertEquals(21, entry.amount());
        assertEquals(100, entry.balanceAfter());
        assertEquals(deduction.transactionId(), entry.referenceId());
        assertEquals("job failed", entry.reason());
        assertEquals(key, entry.featureKey());
        assertEquals(100, balance(accountId).lots().get(0).remaining());
        assertInvariants(accountId);
    }

    @Test
    default void partialRefundsAccumulateUpToWhatWasCharged() {
        String accountId = openFunded(100);
        DeductionResult deduction = deductOk(accountId, feature("image", 7), 3);
        String tx = deduction.transactionId();

        RefundResult first = ledger().refundCredits(RefundRequest.of(tx).withCredits(5));
        RefundResult second = ledger().refundCredits(RefundRequest.of(tx).withCredits(6).withReason("partly"));
        RefundResult rest = ledger().refundCredits(RefundRequest.of(tx));

        assertEquals(5, first.creditsRefunded());
        assertEquals(5, first.totalRefunded());
        assertEquals(84, first.remainingCredits());
        assertEquals(6, second.creditsRefunded());
        assertEquals(11, second.totalRefunded());
        assertEquals(10, rest.creditsRefunded());
        assertEquals(21, rest.totalRefunded());
        assertEquals(100, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void refundOfMoreThanIsLeftThrowsAndChangesNothing() {
        String accountId = openFunded(100);
        String tx = deductOk(accountId, feature("image", 7), 3).transactionId();
        ledger().refundCredits(RefundRequest.of(tx).withCredits(5));

        RefundLimitException tooMuch = assertThrowsUnchanged(RefundLimitException.class, accountId,
                () -> ledger().refundCredits(RefundRequest.of(tx).withCredits(17)));

        assertEquals(tx, tooMuch.transactionId());
        assertEquals(17, tooMuch.requested());
        assertEquals(16, tooMuch.refundable());
        assertEquals(16, ledger().refundCredits(RefundRequest.of(tx).withCredits(16)).creditsRefunded());
    }

    @Test
    default void refundWhenNothingIsLeftThrowsAndChangesNothing() {
        String accountId = openFunded(100);
        String tx = deductOk(accountId, feature("image", 7), 3).transactionId();
        ledger().refundCredits(tx, null, null);

        RefundLimitException all = assertThrowsUnchanged(RefundLimitException.class, accountId,
                () -> ledger().refundCredits(tx, null, null));
        assertThrowsUnchanged(RefundLimitException.class, accountId,
                () -> ledger().refundCredits(RefundRequest.of(tx).withCredits(1)));

        assertEquals(0, all.refundable());
        assertEquals(100, available(accountId));
    }

    @Test
    default void refundGoesBackToTheLotsItCameFromLastTouchedFirst() {
        String accountId = openAccount();
        String a = grant(accountId, 4).lot().lotId();
        advance(Duration.ofSeconds(1));
        String b = grant(accountId, 10).lot().lotId();
        advance(Duration.ofSeconds(1));
        String c = grant(accountId, 10).lot().lotId();
        String tx = deductOk(accountId, feature("unit", 1), 7).transactionId();

        RefundResult refund = ledger().refundCredits(tx, null, null);

        assertEquals(List.of(line(refund.transactionId(), 0, b, 3), line(refund.transactionId(), 1, a, 4)),
                refundLines(refund));
        assertEquals(4, remaining(accountId, a));
        assertEquals(10, remaining(accountId, b));
        assertEquals(10, remaining(accountId, c));
        assertInvariants(accountId);
    }

    @Test
    default void partialRefundsContinueUnwindingWhereThePreviousLeftOff() {
        String accountId = openAccount();
        String a = grant(accountId, 4).lot().lotId();
        advance(Duration.ofSeconds(1));
        String b = grant(accountId, 10).lot().lotId();
        String tx = deductOk(accountId, feature("unit", 1), 7).transactionId();

        RefundResult first = ledger().refundCredits(RefundRequest.of(tx).withCredits(2));
        assertEquals(List.of(line(first.transactionId(), 0, b, 2)), refundLines(first));
        assertEquals(0, remaining(accountId, a));
        assertEquals(9, remaining(accountId, b));

        RefundResult second = ledger().refundCredits(RefundRequest.of(tx).withCredits(3));
        assertEquals(List.of(line(second.transactionId(), 0, b, 1), line(second.transactionId(), 1, a, 2)),
                refundLines(second));

        RefundResult third = ledger().refundCredits(RefundRequest.of(tx));
        assertEquals(List.of(line(third.transactionId(), 0, a, 2)), refundLines(third));
        assertEquals(4, remaining(accountId, a));
        assertEquals(10, remaining(accountId, b));
        assertInvariants(accountId);
    }

    @Test
    default void creditsOfAnExpiredLotComeBackOnANewRefundLotValidFor30Days() {
        String accountId = openAccount();
        String expiring = grantExpiring(accountId, 10, now().plus(Duration.ofDays(1))).lot().lotId();
        String lasting = grant(accountId, 10).lot().lotId();
        String tx = deductOk(accountId, feature("unit", 1), 15).transactionId();
        Instant refundTime = advance(Duration.ofDays(2));

        RefundResult refund = ledger().refundCredits(tx, "late refund", null);

        Lot refundLot = lotOfSource(accountId, LotSource.REFUND);
        assertEquals(10, refundLot.amount());
        assertEquals(10, refundLot.remaining());
        assertEquals(refundTime.plus(Duration.ofDays(30)), refundLot.expiresAt());
        assertEquals(10, remaining(accountId, lasting));
        assertEquals(0, remaining(accountId, expiring));
        assertEquals(List.of(line(refund.transactionId(), 0, lasting, 5),
                line(refund.transactionId(), 1, refundLot.lotId(), 10)), refundLines(refund));
        assertEquals(20, balance(accountId).total());
        assertInvariants(accountId);
    }

    @Test
    default void theValidityOfRefundLotsIsConfigurable() {
        CreditLedger ledger = newLedger(builder -> builder.expiredLotRefundValidity(Duration.ofDays(7)));
        String accountId = openAccount();
        grantExpiring(accountId, 10, now().plus(Duration.ofHours(1)));
        String tx = deductOk(accountId, feature("unit", 1), 6).transactionId();
        Instant refundTime = advance(Duration.ofHours(2));

        ledger.refundCredits(tx, null, null);

        Lot refundLot = lotOfSource(accountId, LotSource.REFUND);
        assertEquals(6, refundLot.remaining());
        assertEquals(refundTime.plus(Duration.ofDays(7)), refundLot.expiresAt());
        assertEquals(6, balance(accountId).total());
    }

    @Test
    default void creditsFromTheOverdraftFirstReduceTheDebtAndTheExcessComesBackOnARefundLotValidFor30Days() {
        String accountId = openAccountWithOverdraft(10);
        String a = grant(accountId, 5).lot().lotId();
        String tx = deductOk(accountId, feature("unit", 1), 12).transactionId();
        GrantResult topUp = grant(accountId, 4);
        assertEquals(4, topUp.debtPaid());
        assertEquals(-3, balance(accountId).total());

        RefundResult refund = ledger().refundCredits(tx, null, null);

        assertEquals(12, refund.creditsRefunded());
        Balance balance = balance(accountId);
        assertEquals(9, balance.total());
        assertEquals(9, balance.available());
        assertFalse(balance.lots().stream().anyMatch(lot -> lot.source() == LotSource.OVERDRAFT && lot.remaining() < 0),
                "debt left after the refund: " + balance.lots());
        Lot refundLot = lotOfSource(accountId, LotSource.REFUND);
        assertEquals(4, refundLot.remaining());
        // The debt those 4 credits made was paid by the top-up: they come back like credits of an expired lot.
        assertEquals(now().plus(Duration.ofDays(30)), refundLot.expiresAt());
        assertEquals(5, remaining(accountId, a));
        List<Allocation> lines = refundLines(refund);
        assertEquals(List.of(3L, 4L, 5L), lines.stream().map(Allocation::amount).toList());
        assertEquals(List.of(refundLot.lotId(), a), List.of(lines.get(1).lotId(), lines.get(2).lotId()));
        assertInvariants(accountId);
    }

    @Test
    default void onlyDeductionsCanBeRefunded() {
        String accountId = openAccount();
        GrantResult grant = grantExpiring(accountId, 10, now().plus(Duration.ofHours(1)));
        String tx = deductOk(accountId, feature("unit", 1), 4).transactionId();
        RefundResult refund = ledger().refundCredits(RefundRequest.of(tx).withCredits(1));
        advance(Duration.ofHours(1));
        ledger().expireDue();
        LedgerEntry expiry = entries(accountId).get(0);
        assertEquals(EntryType.EXPIRY, expiry.type());

        for (String notADeduction : List.of(grant.transactionId(), refund.transactionId(), expiry.transactionId(),
                UUID.randomUUID().toString())) {
            assertThrowsUnchanged(UnknownTransactionException.class, accountId,
                    () -> ledger().refundCredits(notADeduction, null, null));
        }
        assertThrowsUnchanged(UnknownTransactionException.class, accountId,
                () -> ledger().receipt(UUID.randomUUID().toString()));
    }

    @Test
    default void aCommittedHoldIsRefundable() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        String holdId = ledger().reserve(ReserveRequest.of(accountId, key).withQuantity(2)).hold().holdId();
        CommitResult commit = ledger().commit(holdId, 15);

        RefundResult refund = ledger().refundCredits(commit.transactionId(), "render failed", null);

        assertEquals(15, refund.creditsRefunded());
        assertEquals(100, refund.remainingCredits());
        assertEquals(100, available(accountId));
        assertThrowsUnchanged(RefundLimitException.class, accountId,
                () -> ledger().refundCredits(RefundRequest.of(commit.transactionId()).withCredits(1)));
        assertInvariants(accountId);
    }
}
