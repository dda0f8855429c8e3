package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.Allocation;
import dev.credits.Balance;
import dev.credits.CreditPackage;
import dev.credits.DeductRequest;
import dev.credits.DisputeStatus;
import dev.credits.EntryType;
import dev.credits.GrantResult;
import dev.credits.Hold;
import dev.credits.HoldKind;
import dev.credits.HoldStateException;
import dev.credits.HoldStatus;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Purchase;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.Receipt;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownPurchaseException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refunds and disputes (chargebacks) of a purchase's payment: {@code clawBackPurchase}, {@code disputePurchase}
 * and {@code resolveDispute}. Credits are taken back as totals per purchase (cumulative refunds, a lost dispute,
 * netted and capped at what the purchase granted less what expired), first from the purchase's lot, the spent
 * rest as debt; a dispute freezes the purchase's unspent credits until it is resolved.
 */
public interface PaymentReversalContract extends CommerceFixture {

    // ---------------------------------------------------------------- helpers

    /** Buys a Starter package (100 credits, 12 months) under a fresh purchase id. @return the purchase */
    private Purchase buyStarter(String accountId) {
        return purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starterPackage())
                .withPurchaseId(uniqueId("pi"))).purchase();
    }

    /** @return the purchase as stored */
    private Purchase stored(String purchaseId) {
        return ledger().commerce().getPurchase(purchaseId).orElseThrow();
    }

    /** @return the account's CLAWBACK entries, oldest first */
    private List<LedgerEntry> clawbacks(String accountId) {
        List<LedgerEntry> list = new ArrayList<>(entries(accountId).stream()
                .filter(entry -> entry.type() == EntryType.CLAWBACK).toList());
        java.util.Collections.reverse(list);
        return list;
    }

    /** @return minus the sum of the account's CLAWBACK entries */
    private long clawedBackCredits(String accountId) {
        return -clawbacks(accountId).stream().mapToLong(LedgerEntry::amount).sum();
    }

    /** @return the account's open holds (freezes included), read through the store */
    private List<Hold> openHolds(String accountId) {
        return store().readAccount(accountId, tx -> tx.findOpenHolds());
    }

    /** @return the open hold that freezes credits (the only open hold of kind FREEZE) */
    private Hold freezeHold(String accountId) {
        List<Hold> freezes = openHolds(accountId).stream().filter(hold -> hold.kind() == HoldKind.FREEZE).toList();
        assertEquals(1, freezes.size(), () -> "expected exactly one freeze hold: " + freezes);
        return freezes.get(0);
    }

    /** @return the overdraft lot of the default credits, if listed */
    private Optional<Lot> overdraftLot(String accountId) {
        return balance(accountId).lots().stream().filter(lot -> lot.source() == LotSource.OVERDRAFT).findFirst();
    }

    /** @return the debt on the overdraft lot (0 if none) */
    private long debt(String accountId) {
        return overdraftLot(accountId).map(lot -> -lot.remaining()).orElse(0L);
    }

    private static void assertReversal(Purchase purchase, long refunded, long disputed, DisputeStatus status,
                                       long frozen, long clawedBack) {
        assertEquals(refunded, purchase.refundedCredits(), () -> "refundedCredits of " + purchase);
        assertEquals(disputed, purchase.disputedCredits(), () -> "disputedCredits of " + purchase);
        assertEquals(status, purchase.disputeStatus(), () -> "disputeStatus of " + purchase);
        assertEquals(frozen, purchase.frozenCredits(), () -> "frozenCredits of " + purchase);
        assertEquals(clawedBack, purchase.clawedBack(), () -> "clawedBack of " + purchase);
    }

    /** Asserts that the call is replayed: success, {@code replayed}, the purchase and the account unchanged. */
    private void assertReplayed(String accountId, String purchaseId, java.util.function.Supplier<PurchaseResult> call) {
        AccountState before = state(accountId);
        Purchase purchaseBefore = stored(purchaseId);
        PurchaseResult result = call.get();
        assertTrue(result.success(), () -> "replay expected to succeed: " + result);
        assertTrue(result.replayed(), () -> "expected a replay: " + result);
        assertEquals(purchaseBefore, result.purchase(), "a replay returns the stored purchase");
        assertEquals(purchaseBefore, stored(purchaseId), "a replay changed the purchase");
        assertUnchanged(before, accountId);
    }

    /**
     * {@link #assertInvariants} plus, per grant, that its CLAWBACK and EXPIRY entries together never take more
     * than it granted (a credit is clawed back or expires, once).
     */
    private void assertReversalInvariants(String accountId) {
        assertInvariants(accountId);
        List<LedgerEntry> all = entries(accountId);
        for (LedgerEntry grant : all) {
            if (grant.type() != EntryType.GRANT) {
                continue;
            }
            long taken = -all.stream().filter(entry -> grant.transactionId().equals(entry.referenceId()))
                    .filter(entry -> entry.type() == EntryType.CLAWBACK || entry.type() == EntryType.EXPIRY)
                    .mapToLong(LedgerEntry::amount).sum();
            assertTrue(taken <= grant.amount(), () -> "grant " + grant.transactionId() + " of " + grant.amount()
                    + " lost " + taken + " to clawbacks and expiry (account " + accountId + ")");
        }
    }

    // ---------------------------------------------------------------- refunds

    @Test
    default void aFullRefundOfUnspentCreditsTakesThemFromThePurchaseLot() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);

        PurchaseResult result = ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded");

        assertTrue(result.success());
        assertFalse(result.replayed());
        assertEquals(sequence(accountId), result.sequence());
        assertReversal(result.purchase(), 100, 0, DisputeStatus.NONE, 0, 100);
        assertEquals(result.purchase(), stored(purchase.purchaseId()));
        assertEquals(0, available(accountId));
        assertEquals(0, balance(accountId).total());
        assertEquals(0, remaining(accountId, purchase.lotId()));
        assertEquals(0, debt(accountId), "unspent credits are taken from the lot, not as debt");

        List<LedgerEntry> clawbacks = clawbacks(accountId);
        assertEquals(1, clawbacks.size());
        LedgerEntry entry = clawbacks.get(0);
        assertEquals(-100, entry.amount());
        assertEquals(purchase.transactionId(), entry.referenceId(), "a clawback references the purchase's grant");
        assertEquals("refunded", entry.reason());
        assertEquals(0, entry.balanceAfter());
        Receipt receipt = ledger().receipt(entry.transactionId());
        assertEquals(List.of(purchase.lotId()), receipt.allocations().stream().map(Allocation::lotId).toList());
        assertEquals(-100, receipt.allocations().get(0).amount());
        assertReversalInvariants(accountId);
    }

    @Test
    default void spentCreditsClawedBackBecomeDebtThatTheNextGrantPaysFirst() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 70);

        PurchaseResult result = ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded");

        assertReversal(result.purchase(), 100, 0, DisputeStatus.NONE, 0, 100);
        assertEquals(-70, available(accountId));
        assertEquals(-70, balance(accountId).total());
        assertEquals(0, remaining(accountId, purchase.lotId()));
        assertEquals(70, debt(accountId));
        LedgerEntry entry = clawbacks(accountId).get(0);
        assertEquals(-100, entry.amount());
        List<Allocation> lines = ledger().receipt(entry.transactionId()).allocations();
        assertEquals(2, lines.size(), () -> "lines on the purchase lot and the overdraft lot: " + lines);
        assertEquals(purchase.lotId(), lines.get(0).lotId());
        assertEquals(-30, lines.get(0).amount());
        assertEquals(overdraftLot(accountId).orElseThrow().lotId(), lines.get(1).lotId());
        assertEquals(-70, lines.get(1).amount());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(accountId, key).reason());
        assertReversalInvariants(accountId);

        GrantResult grant = grant(accountId, 200);
        assertEquals(70, grant.debtPaid());
        assertEquals(130, grant.balanceAfter());
        assertEquals(130, available(accountId));
        assertEquals(0, debt(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void aClawbackMayTakeTheBalanceBelowTheOverdraftLimit() {
        String accountId = openAccountWithOverdraft(50);
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 150);
        assertEquals(-50, available(accountId));

        ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded");

        assertEquals(-150, available(accountId));
        assertEquals(100, stored(purchase.purchaseId()).clawedBack());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(accountId, key).reason());
        assertReversalInvariants(accountId);
    }

    @Test
    default void partialRefundsAreCumulativeTotals() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        // $5.00 of $10.99 refunded, then the rest: 100 x 500 / 1099 = 45.49... -> 45
        long first = purchase.creditsFor(500, 1099);
        assertEquals(45, first);
        long all = purchase.creditsFor(1099, 1099);
        assertEquals(100, all);

        Purchase afterFirst = ledger().commerce().clawBackPurchase(purchase.purchaseId(), first, "partial refund").purchase();
        assertReversal(afterFirst, 45, 0, DisputeStatus.NONE, 0, 45);
        assertEquals(55, available(accountId));

        Purchase afterAll = ledger().commerce().clawBackPurchase(purchase.purchaseId(), all, "full refund").purchase();
        assertReversal(afterAll, 100, 0, DisputeStatus.NONE, 0, 100);
        assertEquals(0, available(accountId));
        assertEquals(List.of(-45L, -55L), clawbacks(accountId).stream().map(LedgerEntry::amount).toList(),
                "one CLAWBACK entry per increase, of the increase");
        for (LedgerEntry clawback : clawbacks(accountId)) {
            assertEquals(purchase.purchaseId(), clawback.purchaseId(), "a clawback names its purchase (typed)");
            assertEquals(purchase.transactionId(), clawback.referenceId());
            assertEquals(Map.of(), clawback.metadata(), "the ledger writes no metadata of its own");
        }
        assertReversalInvariants(accountId);
    }

    @Test
    default void aSmallerOrEqualRefundReportChangesNothing() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        ledger().commerce().clawBackPurchase(purchase.purchaseId(), 60, "refund");

        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().clawBackPurchase(purchase.purchaseId(), 60, "again"));
        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().clawBackPurchase(purchase.purchaseId(), 30, "late"));
        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().clawBackPurchase(purchase.purchaseId(), 0, "nothing"));
        assertReversal(stored(purchase.purchaseId()), 60, 0, DisputeStatus.NONE, 0, 60);
        assertEquals(40, available(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void aRefundAboveWhatWasGrantedIsCappedAtTheGrant() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);

        Purchase after = ledger().commerce().clawBackPurchase(purchase.purchaseId(), 250, "over-reported").purchase();

        assertEquals(100, after.clawedBack());
        assertEquals(0, available(accountId));
        assertEquals(100, clawedBackCredits(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void creditsForIsTheShareOfTheGrantedCreditsRoundedHalfUp() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);

        assertEquals(45, purchase.creditsFor(500, 1099));
        assertEquals(50, purchase.creditsFor(1, 2));
        assertEquals(1, purchase.creditsFor(1, 200), "0.5 rounds up");
        assertEquals(0, purchase.creditsFor(1, 201), "0.497... rounds down");
        assertEquals(0, purchase.creditsFor(0, 1099));
        assertEquals(100, purchase.creditsFor(1099, 1099));
        assertEquals(100, purchase.creditsFor(5000, 1099), "never more than granted");
        assertEquals(100, purchase.creditsFor(Long.MAX_VALUE - 1, Long.MAX_VALUE), "no overflow");
        assertThrows(InvalidArgumentException.class, () -> purchase.creditsFor(1, 0));
        assertThrows(InvalidArgumentException.class, () -> purchase.creditsFor(-1, 10));
    }

    @Test
    default void onlyACompletedPurchaseCanBeRefundedOrDisputed() {
        String accountId = openAccount();
        String starter = starterPackage();
        String pendingId = uniqueId("pi");
        String failedId = uniqueId("pi");
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(pendingId).withPending(true));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(failedId).withPending(true));
        ledger().commerce().failPurchase(failedId, "declined");

        for (String purchaseId : List.of(pendingId, failedId)) {
            Purchase before = stored(purchaseId);
            assertThrowsUnchanged(PurchaseStateException.class, accountId,
                    () -> ledger().commerce().clawBackPurchase(purchaseId, 100, "refund"));
            assertThrowsUnchanged(PurchaseStateException.class, accountId,
                    () -> ledger().commerce().disputePurchase(purchaseId, 100, "dispute"));
            assertThrowsUnchanged(PurchaseStateException.class, accountId,
                    () -> ledger().commerce().resolveDispute(purchaseId, 100, false, "lost"));
            assertThrowsUnchanged(PurchaseStateException.class, accountId,
                    () -> ledger().commerce().resolveDispute(purchaseId, 100, true, "won"));
            assertEquals(before, stored(purchaseId));
            assertReversal(before, 0, 0, DisputeStatus.NONE, 0, 0);
        }
        // Completed after all: a pending purchase keeps nothing of the rejected reports.
        ledger().commerce().completePurchase(pendingId);
        assertReversal(stored(pendingId), 0, 0, DisputeStatus.NONE, 0, 0);
        assertEquals(100, available(accountId));

        String unknown = uniqueId("pi");
        assertThrows(UnknownPurchaseException.class, () -> ledger().commerce().clawBackPurchase(unknown, 1, "refund"));
        assertThrows(UnknownPurchaseException.class, () -> ledger().commerce().disputePurchase(unknown, 1, "dispute"));
        assertThrows(UnknownPurchaseException.class, () -> ledger().commerce().resolveDispute(unknown, 1, false, "lost"));
        assertTrue(ledger().commerce().getPurchase(unknown).isEmpty());
        assertReversalInvariants(accountId);
    }

    @Test
    default void negativeAmountsAreRejectedAndChangeNothing() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);

        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().commerce().clawBackPurchase(purchase.purchaseId(), -1, "refund"));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().commerce().disputePurchase(purchase.purchaseId(), -1, "dispute"));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().commerce().resolveDispute(purchase.purchaseId(), -1, false, "lost"));
        assertEquals(purchase, stored(purchase.purchaseId()));
    }

    // ---------------------------------------------------------------- disputes

    @Test
    default void aDisputeFreezesTheUnspentCreditsUpToTheDisputedAmount() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 30);

        PurchaseResult result = ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");

        assertTrue(result.success());
        assertFalse(result.replayed());
        assertReversal(result.purchase(), 0, 100, DisputeStatus.OPEN, 70, 0);
        Balance balance = balance(accountId);
        assertEquals(70, balance.total(), "a freeze takes nothing away");
        assertEquals(70, balance.held());
        assertEquals(0, balance.available());
        assertEquals(70, lot(accountId, purchase.lotId()).held());
        Hold freeze = freezeHold(accountId);
        assertEquals(70, freeze.amount());
        assertEquals(HoldStatus.OPEN, freeze.status());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(accountId, key).reason(),
                "frozen credits cannot be spent");
        assertTrue(clawbacks(accountId).isEmpty(), "opening a dispute claws nothing back");
    }

    /**
     * A freeze is typed: kind FREEZE naming its purchase, no feature, and no metadata of the ledger's own (host
     * metadata is the host's alone); a reservation is kind WORK naming no purchase.
     */
    @Test
    default void aFreezeIsReportedWithItsKindAndPurchaseAndAReservationAsWork() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        ReservationResult reserved = ledger().reserve(ReserveRequest.of(accountId, key).withQuantity(10)
                .withTimeout(Duration.ofMinutes(5)).withMetadata(Map.of("job", "j-1")));
        assertTrue(reserved.success(), reserved::toString);

        ledger().commerce().disputePurchase(purchase.purchaseId(), 50, "chargeback");

        Hold freeze = freezeHold(accountId);
        assertEquals(HoldKind.FREEZE, freeze.kind());
        assertTrue(freeze.isFreeze());
        assertEquals(purchase.purchaseId(), freeze.purchaseId());
        assertEquals(null, freeze.featureKey());
        assertEquals(Map.of(), freeze.metadata(), "the ledger writes no metadata of its own on a freeze");
        assertEquals(freeze, ledger().getHold(freeze.holdId()).orElseThrow(), "the same through the ledger");
        Hold work = ledger().getHold(reserved.hold().holdId()).orElseThrow();
        assertEquals(HoldKind.WORK, work.kind());
        assertFalse(work.isFreeze());
        assertEquals(null, work.purchaseId());
        assertEquals(HoldKind.WORK, reserved.hold().kind(), "the reservation's result too");
        assertEquals(null, reserved.hold().purchaseId());
        assertEquals(Map.of("job", "j-1"), work.metadata());
        assertEquals(2, openHolds(accountId).size());
    }

    /**
     * Metadata named {@code freezeOf} on a reservation (a name the ledger once used for freezes) is the host's own: the
     * hold stays a work hold that counts toward the open-hold limit, times out, and is not touched by the dispute of
     * the purchase it names.
     */
    @Test
    default void aReservationsFreezeOfMetadataIsTheHostsOwnAndMakesNoFreeze() {
        String accountId = newAccountId();
        ledger().openAccount(accountId, AccountSettings.DEFAULTS.withMaxOpenHolds(1));
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        Map<String, String> hostMetadata = Map.of("freezeOf", purchase.purchaseId());
        ReservationResult reserved = ledger().reserve(ReserveRequest.of(accountId, key).withQuantity(10)
                .withTimeout(Duration.ofMinutes(5)).withMetadata(hostMetadata));
        assertTrue(reserved.success(), reserved::toString);
        Hold hold = ledger().getHold(reserved.hold().holdId()).orElseThrow();
        assertEquals(HoldKind.WORK, hold.kind());
        assertEquals(null, hold.purchaseId());
        assertEquals(hostMetadata, hold.metadata());
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS,
                ledger().reserve(accountId, key, 1, Duration.ofMinutes(5)).reason(), "it counts as an open hold");

        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        assertEquals(90, freezeHold(accountId).amount(), "only the unheld 90 are frozen, by a hold of its own");
        ledger().commerce().resolveDispute(purchase.purchaseId(), 100, true, "won");
        assertEquals(HoldStatus.OPEN, ledger().getHold(hold.holdId()).orElseThrow().status(),
                "the dispute's end releases its freeze only");
        assertEquals(10, balance(accountId).held());

        advance(Duration.ofMinutes(5));
        ledger().expireDue();
        assertEquals(HoldStatus.EXPIRED, ledger().getHold(hold.holdId()).orElseThrow().status(), "it times out");
        assertEquals(hostMetadata, ledger().getHold(hold.holdId()).orElseThrow().metadata());
        assertEquals(100, available(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void aPartialDisputeFreezesOnlyTheDisputedCredits() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);

        ledger().commerce().disputePurchase(purchase.purchaseId(), 40, "chargeback");

        assertReversal(stored(purchase.purchaseId()), 0, 40, DisputeStatus.OPEN, 40, 0);
        assertEquals(60, available(accountId));
        assertEquals(40, balance(accountId).held());
        deductOk(accountId, key, 60);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(accountId, key).reason());
    }

    @Test
    default void anOpenDisputeReportedAgainChangesNothing() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        ledger().commerce().disputePurchase(purchase.purchaseId(), 60, "chargeback");

        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().disputePurchase(purchase.purchaseId(), 60, "again"));
        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "more"));
        assertEquals(1, openHolds(accountId).size(), "one freeze only");
        assertEquals(60, balance(accountId).held());
    }

    @Test
    default void frozenCreditsCannotBeCommittedOrReleasedByHand() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        String holdId = freezeHold(accountId).holdId();

        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().commit(holdId));
        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().commit(holdId, 10));
        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().commitQuantity(holdId, 1));
        assertThrowsUnchanged(HoldStateException.class, accountId, () -> ledger().release(holdId));
        assertEquals(100, balance(accountId).held());
        assertEquals(HoldStatus.OPEN, ledger().getHold(holdId).orElseThrow().status());
        assertReversal(stored(purchase.purchaseId()), 0, 100, DisputeStatus.OPEN, 100, 0);
    }

    @Test
    default void freezesDoNotCountTowardTheOpenHoldLimitAndNeverTimeOut() {
        String accountId = newAccountId();
        ledger().openAccount(accountId, AccountSettings.DEFAULTS.withMaxOpenHolds(1));
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        ledger().commerce().disputePurchase(purchase.purchaseId(), 50, "chargeback");
        String freezeId = freezeHold(accountId).holdId();

        ReservationResult first = ledger().reserve(accountId, key, 1, Duration.ofMinutes(5));
        assertTrue(first.success(), () -> "a freeze is not one of the open holds: " + first);
        ReservationResult second = ledger().reserve(accountId, key, 1, Duration.ofMinutes(5));
        assertFalse(second.success());
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS, second.reason());

        advance(Duration.ofDays(300)); // before the purchase lot expires (12 months)
        ledger().expireDue();

        assertEquals(HoldStatus.EXPIRED, ledger().getHold(first.hold().holdId()).orElseThrow().status());
        assertEquals(HoldStatus.OPEN, ledger().getHold(freezeId).orElseThrow().status(), "a freeze never times out");
        assertEquals(50, balance(accountId).held());
        assertEquals(50, available(accountId));
        assertReversal(stored(purchase.purchaseId()), 0, 50, DisputeStatus.OPEN, 50, 0);

        ledger().commerce().resolveDispute(purchase.purchaseId(), 50, true, "won");
        assertEquals(100, available(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void aWonDisputeUnfreezesTheCreditsAndTakesNothing() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 30);
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        String freezeId = freezeHold(accountId).holdId();

        PurchaseResult result = ledger().commerce().resolveDispute(purchase.purchaseId(), 100, true, "won");

        assertFalse(result.replayed());
        assertReversal(result.purchase(), 0, 100, DisputeStatus.WON, 0, 0);
        assertEquals(70, available(accountId));
        assertEquals(0, balance(accountId).held());
        assertEquals(HoldStatus.RELEASED, ledger().getHold(freezeId).orElseThrow().status());
        assertTrue(clawbacks(accountId).isEmpty());
        deductOk(accountId, key, 70);
        assertReversalInvariants(accountId);

        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().resolveDispute(purchase.purchaseId(), 100, true, "won again"));
        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost after won"));
        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "reopened"));
    }

    @Test
    default void aLostDisputeUnfreezesAndClawsBackTheDisputedCredits() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 30);
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");

        PurchaseResult result = ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost");

        assertFalse(result.replayed());
        assertReversal(result.purchase(), 0, 100, DisputeStatus.LOST, 0, 100);
        assertEquals(0, balance(accountId).held());
        assertEquals(-30, available(accountId));
        assertEquals(0, remaining(accountId, purchase.lotId()));
        assertEquals(30, debt(accountId), "the spent 30 become debt");
        List<LedgerEntry> clawbacks = clawbacks(accountId);
        assertEquals(1, clawbacks.size());
        assertEquals(-100, clawbacks.get(0).amount());
        assertEquals(purchase.transactionId(), clawbacks.get(0).referenceId());
        assertReversalInvariants(accountId);

        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost again"));
        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().resolveDispute(purchase.purchaseId(), 100, true, "won after lost"));
        assertReplayed(accountId, purchase.purchaseId(),
                () -> ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "reopened"));
    }

    @Test
    default void aPartlyLostDisputeClawsBackOnlyTheDisputedCredits() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        ledger().commerce().disputePurchase(purchase.purchaseId(), 40, "chargeback");

        ledger().commerce().resolveDispute(purchase.purchaseId(), 40, false, "lost");

        assertReversal(stored(purchase.purchaseId()), 0, 40, DisputeStatus.LOST, 0, 40);
        assertEquals(60, available(accountId));
        assertEquals(0, balance(accountId).held());
        assertEquals(0, debt(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void aDisputeResolvedBeforeItWasReportedOpenResolvesDirectly() {
        String accountId = openAccount();
        Purchase lostOne = buyStarter(accountId);
        Purchase wonOne = buyStarter(accountId);

        PurchaseResult lost = ledger().commerce().resolveDispute(lostOne.purchaseId(), 100, false, "lost");
        PurchaseResult won = ledger().commerce().resolveDispute(wonOne.purchaseId(), 100, true, "won");

        assertFalse(lost.replayed());
        assertReversal(lost.purchase(), 0, 100, DisputeStatus.LOST, 0, 100);
        assertReversal(won.purchase(), 0, 100, DisputeStatus.WON, 0, 0);
        assertEquals(100, available(accountId));
        assertEquals(0, balance(accountId).held());
        assertEquals(0, remaining(accountId, lostOne.lotId()));
        assertEquals(100, remaining(accountId, wonOne.lotId()));
        assertReversalInvariants(accountId);

        // The late "opened" report changes nothing.
        assertReplayed(accountId, lostOne.purchaseId(),
                () -> ledger().commerce().disputePurchase(lostOne.purchaseId(), 100, "opened late"));
        assertReplayed(accountId, wonOne.purchaseId(),
                () -> ledger().commerce().disputePurchase(wonOne.purchaseId(), 100, "opened late"));
        assertTrue(openHolds(accountId).isEmpty());
    }

    // ---------------------------------------------------------------- netting

    @Test
    default void aRefundThenALostDisputeNeverClawMoreThanWasGranted() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        ledger().commerce().clawBackPurchase(purchase.purchaseId(), 60, "partial refund");
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        assertEquals(40, stored(purchase.purchaseId()).frozenCredits(), "only the unspent 40 can be frozen");

        ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost");

        assertReversal(stored(purchase.purchaseId()), 60, 100, DisputeStatus.LOST, 0, 100);
        assertEquals(100, clawedBackCredits(accountId));
        assertEquals(0, available(accountId));
        assertEquals(0, debt(accountId), "nothing was spent, so nothing is debt");
        assertReversalInvariants(accountId);
    }

    @Test
    default void aLostDisputeThenARefundNeverClawTwice() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost");

        PurchaseResult refund = ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded too");

        assertTrue(refund.success());
        assertReversal(refund.purchase(), 100, 100, DisputeStatus.LOST, 0, 100);
        assertEquals(1, clawbacks(accountId).size(), "the refund claws nothing more");
        assertEquals(100, clawedBackCredits(accountId));
        assertEquals(0, available(accountId));
        assertReversalInvariants(accountId);
    }

    /** One report of a payment event, applied to a purchase. */
    private void apply(String event, String purchaseId) {
        switch (event) {
            case "refund20" -> ledger().commerce().clawBackPurchase(purchaseId, 20, event);
            case "refund50" -> ledger().commerce().clawBackPurchase(purchaseId, 50, event);
            case "dispute40" -> ledger().commerce().disputePurchase(purchaseId, 40, event);
            case "lost40" -> ledger().commerce().resolveDispute(purchaseId, 40, false, event);
            case "won40" -> ledger().commerce().resolveDispute(purchaseId, 40, true, event);
            default -> throw new IllegalArgumentException(event);
        }
    }

    private static List<List<String>> permutations(List<String> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<String>> all = new ArrayList<>();
        for (String first : items) {
            List<String> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<String> tail : permutations(rest)) {
                List<String> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    /**
     * Applies every order of {@code events} to a purchase of 100 credits of which 40 were spent, one account per
     * order, and asserts the same final balance and purchase totals for all of them.
     */
    private void assertEveryOrderConverges(List<String> events, long refunded, DisputeStatus status, long clawed) {
        String key = feature("unit", 1);
        String starter = starterPackage();
        for (List<String> order : permutations(events)) {
            String accountId = openAccount();
            Purchase purchase = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter)
                    .withPurchaseId(uniqueId("pi"))).purchase();
            deductOk(accountId, key, 40);
            for (String event : order) {
                apply(event, purchase.purchaseId());
            }
            String where = " after " + order;
            Purchase after = stored(purchase.purchaseId());
            assertEquals(refunded, after.refundedCredits(), "refunded" + where);
            assertEquals(status, after.disputeStatus(), "dispute status" + where);
            assertEquals(clawed, after.clawedBack(), "clawed back" + where);
            assertEquals(clawed, clawedBackCredits(accountId), "CLAWBACK entries" + where);
            Balance balance = balance(accountId);
            assertEquals(60 - clawed, balance.total(), "total" + where);
            assertEquals(0, balance.held(), "held" + where);
            assertEquals(60 - clawed, balance.available(), "available" + where);
            assertReversalInvariants(accountId);
        }
    }

    @Test
    default void refundsAndALostDisputeInAnyOrderConvergeToTheSameBalance() {
        // refunded 50 + lost 40 = 90 of 100 granted: 60 unspent - 90 = -30
        assertEveryOrderConverges(List.of("refund20", "refund50", "dispute40", "lost40"), 50, DisputeStatus.LOST, 90);
    }

    @Test
    default void refundsAndAWonDisputeInAnyOrderConvergeToTheSameBalance() {
        assertEveryOrderConverges(List.of("refund20", "refund50", "dispute40", "won40"), 50, DisputeStatus.WON, 50);
    }

    @Test
    default void fullRefundAndFullLostDisputeInAnyOrderClawTheGrantOnce() {
        String key = feature("unit", 1);
        String starter = starterPackage();
        List<List<String>> orders = List.of(
                List.of("refund", "dispute", "lost"), List.of("dispute", "refund", "lost"),
                List.of("dispute", "lost", "refund"), List.of("lost", "refund", "dispute"),
                List.of("refund", "lost", "dispute"), List.of("lost", "dispute", "refund"));
        for (List<String> order : orders) {
            String accountId = openAccount();
            Purchase purchase = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter)
                    .withPurchaseId(uniqueId("pi"))).purchase();
            deductOk(accountId, key, 25);
            for (String event : order) {
                switch (event) {
                    case "refund" -> ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, event);
                    case "dispute" -> ledger().commerce().disputePurchase(purchase.purchaseId(), 100, event);
                    default -> ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, event);
                }
            }
            String where = " after " + order;
            assertEquals(100, stored(purchase.purchaseId()).clawedBack(), "clawed back" + where);
            assertEquals(100, clawedBackCredits(accountId), "CLAWBACK entries" + where);
            assertEquals(-25, available(accountId), "available" + where);
            assertEquals(0, balance(accountId).held(), "held" + where);
            assertReversalInvariants(accountId);
        }
    }

    // ---------------------------------------------------------------- frozen credits and refunds, expiry

    /**
     * A refund reported while a dispute is open: the purchase's unspent credits are frozen, not spent, so the
     * credits taken back must not be debt (Javadoc: "first its lot's unspent credits, the rest (already spent) as
     * debt"). Observable: once the dispute is won and the lot's validity is over, the account is at 0, exactly as
     * when the same two reports arrive in the other order.
     */
    @Test
    default void aRefundDuringAnOpenDisputeTakesTheFrozenCreditsNotDebt() {
        String accountId = openAccount();
        Purchase purchase = buyStarter(accountId);
        String otherAccount = openAccount();
        Purchase other = buyStarter(otherAccount);

        // dispute, refund, won
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded");
        ledger().commerce().resolveDispute(purchase.purchaseId(), 100, true, "won");
        // refund, dispute, won
        ledger().commerce().clawBackPurchase(other.purchaseId(), 100, "refunded");
        ledger().commerce().disputePurchase(other.purchaseId(), 100, "chargeback");
        ledger().commerce().resolveDispute(other.purchaseId(), 100, true, "won");

        assertEquals(0, available(accountId));
        assertEquals(0, available(otherAccount));
        assertEquals(0, debt(accountId), "unspent (frozen) credits taken back as debt");

        clock().set(START.plus(Duration.ofDays(400))); // both purchase lots have expired
        ledger().expireDue();
        assertEquals(available(otherAccount), available(accountId),
                "the order of the reports decided the balance once the lot expired");
        assertEquals(0, available(accountId));
        assertReversalInvariants(accountId);
        assertReversalInvariants(otherAccount);
    }

    @Test
    default void expiredCreditsAreNotClawedBack() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        String monthly = uniqueId("month");
        ledger().commerce().savePackage(CreditPackage.of(monthly, "One month", 100, CommerceFixture.usd("20.00"))
                .withValidity(Period.ofMonths(1)));
        Purchase purchase = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, monthly)
                .withPurchaseId(uniqueId("pi"))).purchase();
        deductOk(accountId, key, 30);
        clock().set(FEB);
        ledger().expireDue();
        assertEquals(70, expiredCredits(accountId));
        assertEquals(0, available(accountId));

        PurchaseResult result = ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded");

        assertReversal(result.purchase(), 100, 0, DisputeStatus.NONE, 0, 30);
        assertEquals(30, clawedBackCredits(accountId), "only the spent part is clawed back");
        assertEquals(-30, available(accountId));
        assertEquals(30, debt(accountId));
        assertEquals(70, expiredCredits(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void aLostDisputeAfterExpiryClawsOnlyTheSpentPart() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        String monthly = uniqueId("month");
        ledger().commerce().savePackage(CreditPackage.of(monthly, "One month", 100, CommerceFixture.usd("20.00"))
                .withValidity(Period.ofMonths(1)));
        Purchase purchase = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, monthly)
                .withPurchaseId(uniqueId("pi"))).purchase();
        deductOk(accountId, key, 30);
        clock().set(FEB);
        ledger().expireDue();

        ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost");

        assertEquals(30, stored(purchase.purchaseId()).clawedBack());
        assertEquals(-30, available(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void frozenCreditsOfALotThatExpiresExpireWhenTheDisputeIsWon() {
        String accountId = openAccount();
        String monthly = uniqueId("month");
        ledger().commerce().savePackage(CreditPackage.of(monthly, "One month", 100, CommerceFixture.usd("20.00"))
                .withValidity(Period.ofMonths(1)));
        Purchase purchase = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, monthly)
                .withPurchaseId(uniqueId("pi"))).purchase();
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        clock().set(FEB);
        ledger().expireDue();

        ledger().commerce().resolveDispute(purchase.purchaseId(), 100, true, "won");
        ledger().expireDue();

        assertEquals(0, available(accountId));
        assertEquals(0, balance(accountId).held());
        assertEquals(0, clawedBackCredits(accountId));
        assertEquals(100, expiredCredits(accountId));
        assertReversalInvariants(accountId);
    }

    /**
     * Nothing of the purchase was spent: its credits were frozen when its lot expired. Losing the dispute must
     * not leave the account in debt (Javadoc: the spent rest becomes debt; expired credits are not clawed).
     */
    @Test
    default void aLostDisputeOfFrozenCreditsOnAnExpiredLotLeavesNoDebt() {
        String accountId = openAccount();
        String monthly = uniqueId("month");
        ledger().commerce().savePackage(CreditPackage.of(monthly, "One month", 100, CommerceFixture.usd("20.00"))
                .withValidity(Period.ofMonths(1)));
        Purchase purchase = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, monthly)
                .withPurchaseId(uniqueId("pi"))).purchase();
        ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "chargeback");
        clock().set(FEB);
        ledger().expireDue();

        ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost");
        ledger().expireDue();

        assertEquals(0, balance(accountId).held());
        assertEquals(0, debt(accountId), "unspent credits became debt");
        assertEquals(0, available(accountId), "nothing was spent, yet the account is in debt");
        assertEquals(100, clawedBackCredits(accountId) + expiredCredits(accountId),
                "each credit is either clawed back or expired, once");
        assertReversalInvariants(accountId);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    default void concurrentReportsOfTheSameRefundClawBackOnce() throws Exception {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 30);

        List<PurchaseResult> results = concurrently(8, i -> () ->
                ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refund " + i));

        assertTrue(results.stream().allMatch(PurchaseResult::success));
        assertEquals(1, results.stream().filter(result -> !result.replayed()).count(), () -> "" + results);
        assertReversal(stored(purchase.purchaseId()), 100, 0, DisputeStatus.NONE, 0, 100);
        assertEquals(1, clawbacks(accountId).size());
        assertEquals(-30, available(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void concurrentCumulativeRefundsEndAtTheLargest() throws Exception {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 10);

        List<PurchaseResult> results = concurrently(8, i -> () ->
                ledger().commerce().clawBackPurchase(purchase.purchaseId(), (i + 1) * 10L, "refund " + i));

        assertTrue(results.stream().allMatch(PurchaseResult::success));
        assertReversal(stored(purchase.purchaseId()), 80, 0, DisputeStatus.NONE, 0, 80);
        assertEquals(80, clawedBackCredits(accountId));
        long previous = 0;
        for (LedgerEntry entry : clawbacks(accountId)) {
            assertTrue(entry.amount() < 0);
            previous -= entry.amount();
        }
        assertEquals(80, previous);
        assertEquals(10, available(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void concurrentReportsOfTheSameDisputeFreezeAndResolveOnce() throws Exception {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 30);

        List<PurchaseResult> opened = concurrently(8, i -> () ->
                ledger().commerce().disputePurchase(purchase.purchaseId(), 100, "dispute " + i));

        assertEquals(1, opened.stream().filter(result -> !result.replayed()).count(), () -> "" + opened);
        assertEquals(1, openHolds(accountId).size(), "one freeze");
        assertEquals(70, balance(accountId).held());
        assertReversal(stored(purchase.purchaseId()), 0, 100, DisputeStatus.OPEN, 70, 0);

        List<PurchaseResult> resolved = concurrently(8, i -> () ->
                ledger().commerce().resolveDispute(purchase.purchaseId(), 100, false, "lost " + i));

        assertEquals(1, resolved.stream().filter(result -> !result.replayed()).count(), () -> "" + resolved);
        assertReversal(stored(purchase.purchaseId()), 0, 100, DisputeStatus.LOST, 0, 100);
        assertEquals(1, clawbacks(accountId).size());
        assertEquals(0, balance(accountId).held());
        assertEquals(-30, available(accountId));
        assertReversalInvariants(accountId);
    }

    @Test
    default void concurrentMixedReportsEndAsIfAppliedOnceInOrder() throws Exception {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyStarter(accountId);
        deductOk(accountId, key, 40);
        String[] events = {"refund20", "refund50", "dispute40", "lost40"};

        concurrently(8, i -> () -> {
            for (int round = 0; round < 5; round++) {
                apply(events[(i + round) % events.length], purchase.purchaseId());
            }
            return null;
        });
        for (String event : events) { // make sure every event was seen
            apply(event, purchase.purchaseId());
        }

        assertReversal(stored(purchase.purchaseId()), 50, 40, DisputeStatus.LOST, 0, 90);
        assertEquals(90, clawedBackCredits(accountId));
        assertEquals(-30, available(accountId));
        assertEquals(0, balance(accountId).held());
        assertTrue(openHolds(accountId).isEmpty());
        assertReversalInvariants(accountId);
    }
}
