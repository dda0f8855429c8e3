package dev.credits.tck;

import dev.credits.Allocation;
import dev.credits.Balance;
import dev.credits.CheckResult;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Receipt;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules 4 to 7: grants, checks and deductions, the order of rejections, credit types, the burn-down order,
 * receipts and the overdraft.
 */
public interface SpendingContract extends ContractFixture {

    /** Deducts {@code credits} with a feature priced 1 and returns the receipt's lines as (lot id, amount). */
    private List<Allocation> spend(String accountId, long credits) {
        String key = feature("unit", 1);
        return ledger().receipt(deductOk(accountId, key, credits).transactionId()).allocations();
    }

    private static Allocation line(String ownerId, int position, String lotId, long amount) {
        return new Allocation(ownerId, position, lotId, amount);
    }

    @Test
    default void grantCreatesALotWithTheRequestedAttributes() {
        String accountId = openAccount();
        Instant expiry = now().plus(Duration.ofDays(365));

        GrantResult result = ledger().grant(GrantRequest.of(accountId, 100)
                .withSource(LotSource.PURCHASE)
                .withPriority(7)
                .withExpiresAt(expiry)
                .withMoneyPaid(Money.of("19.99", "USD"))
                .withReason("package of 100")
                .withMetadata(Map.of("order", "o-1")));

        Lot lot = result.lot();
        assertEquals(accountId, lot.accountId());
        assertEquals(CreditLedger.DEFAULT_CREDIT_TYPE, lot.creditType());
        assertEquals(LotSource.PURCHASE, lot.source());
        assertEquals(7, lot.priority());
        assertEquals(100, lot.amount());
        assertEquals(100, lot.remaining());
        assertEquals(0, lot.held());
        assertEquals(expiry, lot.expiresAt());
        assertEquals(Money.of("19.99", "USD"), lot.moneyPaid());
        assertEquals(Map.of("order", "o-1"), lot.metadata());
        assertEquals(now(), lot.grantedAt());
        assertEquals(0, result.debtPaid());
        assertEquals(100, result.balanceAfter());
        assertFalse(result.replayed());
        assertEquals(List.of(lot), balance(accountId).lots());
        assertEquals(expiry, balance(accountId).nextExpiry());
        LedgerEntry entry = ledger().receipt(result.transactionId()).entry();
        assertEquals(EntryType.GRANT, entry.type());
        assertEquals(100, entry.amount());
        assertEquals("package of 100", entry.reason());
        assertEquals(List.of(line(result.transactionId(), 0, lot.lotId(), 100)),
                ledger().receipt(result.transactionId()).allocations());
    }

    @Test
    default void deductCreditsChargesPriceTimesQuantity() {
        String accountId = openFunded(100);
        String key = feature("image", 7);

        DeductionResult result = ledger().deductCredits(DeductRequest.of(accountId, key).withQuantity(3));

        assertTrue(result.success());
        assertNull(result.reason());
        assertNotNull(result.transactionId());
        assertEquals(accountId, result.accountId());
        assertEquals(key, result.featureKey());
        assertEquals(3, result.quantity());
        assertEquals(7, result.unitPrice());
        assertEquals(21, result.creditsDeducted());
        assertEquals(21, result.required());
        assertEquals(100, result.available());
        assertEquals(79, result.remainingCredits());
        assertFalse(result.replayed());
        Balance balance = balance(accountId);
        assertEquals(79, balance.total());
        assertEquals(79, balance.available());
        assertInvariants(accountId);
    }

    @Test
    default void checkCreditsTellsWithoutChangingAnything() {
        String accountId = openFunded(20);
        String key = feature("image", 7);
        AccountState before = state(accountId);

        CheckResult enough = ledger().checkCredits(accountId, key, 2);
        CheckResult shortOf = ledger().checkCredits(accountId, key, 3);

        assertEquals(new CheckResult(true, null, accountId, key, 2, 7, 14, 20, before.account().sequence()), enough);
        assertEquals(new CheckResult(false, RejectionReason.INSUFFICIENT_CREDITS, accountId, key, 3, 7, 21, 20,
                before.account().sequence()), shortOf);
        assertEquals(1, ledger().checkCredits(accountId, key).quantity());
        assertUnchanged(before, accountId);
    }

    @Test
    default void insufficientCreditsIsARejectionValueThatChangesNothing() {
        String accountId = openFunded(20);
        String key = feature("image", 7);
        AccountState before = state(accountId);

        DeductionResult result = ledger().deductCredits(DeductRequest.of(accountId, key).withQuantity(3));

        assertFalse(result.success());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, result.reason());
        assertNull(result.transactionId());
        assertEquals(0, result.creditsDeducted());
        assertEquals(21, result.required());
        assertEquals(20, result.available());
        assertEquals(20, result.remainingCredits());
        assertEquals(before.account().sequence(), result.sequence());
        assertUnchanged(before, accountId);
    }

    @Test
    default void rejectionsComeInOrderUnknownInactivePausedInsufficient() {
        String accountId = openAccount();
        String unknown = newFeatureKey("unknown");
        String inactive = newFeatureKey("inactive");
        ledger().createFeaturePricing(FeatureDefinition.of(inactive, "Inactive", 5).withActive(false));
        String active = feature("active", 5);
        ledger().pauseAccount(accountId);
        AccountState before = state(accountId);

        assertRejectedEverywhere(accountId, unknown, RejectionReason.UNKNOWN_FEATURE);
        assertRejectedEverywhere(accountId, inactive, RejectionReason.INACTIVE_FEATURE);
        assertRejectedEverywhere(accountId, active, RejectionReason.ACCOUNT_PAUSED);
        assertUnchanged(before, accountId);

        ledger().resumeAccount(accountId);
        assertRejectedEverywhere(accountId, active, RejectionReason.INSUFFICIENT_CREDITS);
        DeductionResult shortOf = ledger().deductCredits(accountId, active);
        assertEquals(5, shortOf.required());
        assertEquals(0, shortOf.available());
    }

    private void assertRejectedEverywhere(String accountId, String featureKey, RejectionReason reason) {
        CheckResult check = ledger().checkCredits(accountId, featureKey);
        DeductionResult deduction = ledger().deductCredits(accountId, featureKey);
        ReservationResult reservation = ledger().reserve(ReserveRequest.of(accountId, featureKey));
        assertEquals(reason, check.reason(), "check");
        assertFalse(check.hasEnough());
        assertEquals(reason, deduction.reason(), "deduction");
        assertFalse(deduction.success());
        assertNull(deduction.transactionId());
        assertEquals(reason, reservation.reason(), "reservation");
        assertFalse(reservation.success());
        assertNull(reservation.hold());
    }

    @Test
    default void rejectionReasonsCarryTheirHttpStatus() {
        assertEquals(402, RejectionReason.INSUFFICIENT_CREDITS.httpStatus());
        assertEquals(404, RejectionReason.UNKNOWN_FEATURE.httpStatus());
        assertEquals(403, RejectionReason.INACTIVE_FEATURE.httpStatus());
        assertEquals(403, RejectionReason.ACCOUNT_PAUSED.httpStatus());
    }

    @Test
    default void eachCreditTypeHasItsOwnBalance() {
        String accountId = openFunded(100);
        ledger().grant(GrantRequest.of(accountId, 30).withCreditType("voice"));
        String call = feature("voice_call", 12, "voice");
        String image = feature("image", 10);

        DeductionResult result = deductOk(accountId, call, 2);

        assertEquals(30, result.available());
        assertEquals(6, result.remainingCredits());
        assertEquals(6, ledger().balance(accountId, "voice").available());
        assertEquals(100, available(accountId));
        Map<String, Balance> balances = ledger().balances(accountId);
        assertEquals(2, balances.size());
        assertEquals(6, balances.get("voice").total());
        assertEquals(100, balances.get(CreditLedger.DEFAULT_CREDIT_TYPE).total());
        assertEquals("voice", ledger().receipt(result.transactionId()).entry().creditType());
        CheckResult voiceShort = ledger().checkCredits(accountId, call);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, voiceShort.reason());
        assertEquals(6, voiceShort.available());
        assertTrue(ledger().checkCredits(accountId, image).hasEnough());
        assertEquals(0, ledger().balance(accountId, "sms").total(), "a credit type never granted is empty");
        assertInvariants(accountId);
    }

    @Test
    default void burnDownSpendsLowerPriorityFirst() {
        String accountId = openAccount();
        String late = ledger().grant(GrantRequest.of(accountId, 10).withPriority(100)).lot().lotId();
        advance(Duration.ofSeconds(1));
        String first = ledger().grant(GrantRequest.of(accountId, 10).withPriority(0)
                .withSource(LotSource.PURCHASE)).lot().lotId();
        advance(Duration.ofSeconds(1));
        String middle = ledger().grant(GrantRequest.of(accountId, 10).withPriority(50)
                .withExpiresAt(now().plus(Duration.ofDays(400)))).lot().lotId();

        assertEquals(List.of(first, middle, late), lotIds(accountId));
        List<Allocation> lines = spend(accountId, 25);

        assertEquals(List.of(first, middle, late), lines.stream().map(Allocation::lotId).toList());
        assertEquals(List.of(-10L, -10L, -5L), lines.stream().map(Allocation::amount).toList());
        assertEquals(5, remaining(accountId, late));
    }

    @Test
    default void burnDownSpendsEarliestExpiryFirstAndNeverExpiringLast() {
        String accountId = openAccount();
        String never = grant(accountId, 10).lot().lotId();
        advance(Duration.ofSeconds(1));
        String later = grantExpiring(accountId, 10, now().plus(Duration.ofDays(60))).lot().lotId();
        advance(Duration.ofSeconds(1));
        String sooner = grantExpiring(accountId, 10, now().plus(Duration.ofDays(30))).lot().lotId();

        assertEquals(List.of(sooner, later, never), lotIds(accountId));
        List<Allocation> lines = spend(accountId, 15);

        assertEquals(List.of(sooner, later), lines.stream().map(Allocation::lotId).toList());
        assertEquals(List.of(-10L, -5L), lines.stream().map(Allocation::amount).toList());
    }

    @Test
    default void burnDownSpendsUnpaidBeforePaid() {
        String accountId = openAccount();
        String purchase = ledger().grant(GrantRequest.of(accountId, 10).withSource(LotSource.PURCHASE))
                .lot().lotId();
        String paidAdmin = ledger().grant(GrantRequest.of(accountId, 10).withSource(LotSource.ADMIN)
                .withMoneyPaid(Money.of("5.00", "EUR"))).lot().lotId();
        advance(Duration.ofSeconds(1));
        String promotion = ledger().grant(GrantRequest.of(accountId, 10).withSource(LotSource.PROMOTION)
                .withMoneyPaid(Money.of("0", "EUR"))).lot().lotId();

        String firstPaid = purchase.compareTo(paidAdmin) < 0 ? purchase : paidAdmin;
        String secondPaid = firstPaid.equals(purchase) ? paidAdmin : purchase;

        assertEquals(List.of(promotion, firstPaid, secondPaid), lotIds(accountId));
        List<Allocation> lines = spend(accountId, 15);

        assertEquals(List.of(promotion, firstPaid), lines.stream().map(Allocation::lotId).toList(),
                "the unpaid (newer) lot was not spent first");
        assertEquals(List.of(-10L, -5L), lines.stream().map(Allocation::amount).toList());
        assertEquals(10, remaining(accountId, secondPaid));
    }

    @Test
    default void burnDownSpendsTheOldestGrantFirstThenTheLowerLotId() {
        String accountId = openAccount();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.add(grant(accountId, 10).lot().lotId());
            advance(Duration.ofSeconds(1));
        }
        List<String> twins = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            twins.add(grant(accountId, 10).lot().lotId());
        }
        expected.addAll(twins.stream().sorted().toList());

        assertEquals(expected, lotIds(accountId));
        List<Allocation> lines = spend(accountId, 45);

        assertEquals(expected.subList(0, 5), lines.stream().map(Allocation::lotId).toList());
        assertEquals(5, remaining(accountId, expected.get(4)));
        assertEquals(10, remaining(accountId, expected.get(5)));
    }

    @Test
    default void anyBurnDownOrderIsUsedButTheOverdraftLotIsAlwaysSpentLast() {
        CreditLedger highestPriorityFirst = newLedger(builder -> builder.burnDownOrder(
                () -> Comparator.comparingInt(Lot::priority).reversed().thenComparing(Lot::lotId)));
        String accountId = openAccountWithOverdraft(10);
        String low = ledger().grant(GrantRequest.of(accountId, 5).withPriority(0)).lot().lotId();
        String high = ledger().grant(GrantRequest.of(accountId, 5).withPriority(100)).lot().lotId();
        String key = feature("unit", 1);
        String spentLots = deductOk(accountId, key, 10).transactionId();
        deductOk(accountId, key, 5);
        ledger().refundCredits(spentLots, null, null);
        Balance before = highestPriorityFirst.balance(accountId);
        assertEquals(5, before.total());
        assertEquals(List.of(high, low), before.lots().subList(0, 2).stream().map(Lot::lotId).toList());
        assertEquals(LotSource.OVERDRAFT, before.lots().get(2).source());

        DeductionResult result = highestPriorityFirst.deductCredits(DeductRequest.of(accountId, key).withQuantity(12));

        assertTrue(result.success());
        List<Allocation> lines = ledger().receipt(result.transactionId()).allocations();
        assertEquals(List.of(high, low, before.lots().get(2).lotId()), lines.stream().map(Allocation::lotId).toList());
        assertEquals(List.of(-5L, -5L, -2L), lines.stream().map(Allocation::amount).toList());
        assertEquals(-7, available(accountId));
        assertInvariants(accountId);
    }

    private List<String> lotIds(String accountId) {
        return balance(accountId).lots().stream().map(Lot::lotId).toList();
    }

    @Test
    default void receiptHasOneLinePerLotTouchedAddingUpToTheEntry() {
        String accountId = openAccount();
        String a = grant(accountId, 4).lot().lotId();
        advance(Duration.ofSeconds(1));
        String b = grant(accountId, 6).lot().lotId();
        advance(Duration.ofSeconds(1));
        String c = grant(accountId, 20).lot().lotId();
        String key = feature("image", 3);

        DeductionResult result = deductOk(accountId, key, 5);
        Receipt receipt = ledger().receipt(result.transactionId());

        String tx = result.transactionId();
        assertEquals(List.of(line(tx, 0, a, -4), line(tx, 1, b, -6), line(tx, 2, c, -5)), receipt.allocations());
        assertEquals(-15, receipt.entry().amount());
        assertEquals(tx, receipt.entry().transactionId());
        assertEquals(15, remaining(accountId, c));
        assertInvariants(accountId);
    }

    @Test
    default void overdraftLetsAvailableGoDownToMinusTheLimitAndNoFurther() {
        String accountId = openAccountWithOverdraft(10);
        String lot = grant(accountId, 5).lot().lotId();
        String key = feature("unit", 1);

        DeductionResult result = deductOk(accountId, key, 15);
        AccountState before = state(accountId);
        DeductionResult refused = ledger().deductCredits(accountId, key);

        assertEquals(-10, result.remainingCredits());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, refused.reason());
        assertEquals(-10, refused.available());
        assertUnchanged(before, accountId);
        Balance balance = balance(accountId);
        assertEquals(-10, balance.total());
        assertEquals(-10, balance.available());
        Lot overdraft = balance.lots().get(balance.lots().size() - 1);
        assertEquals(LotSource.OVERDRAFT, overdraft.source());
        assertEquals(-10, overdraft.remaining());
        List<Allocation> lines = ledger().receipt(result.transactionId()).allocations();
        assertEquals(List.of(lot, overdraft.lotId()), lines.stream().map(Allocation::lotId).toList());
        assertEquals(List.of(-5L, -10L), lines.stream().map(Allocation::amount).toList());
        assertFalse(ledger().checkCredits(accountId, key).hasEnough());
        assertFalse(ledger().reserve(ReserveRequest.of(accountId, key)).success());
        assertInvariants(accountId);
    }

    @Test
    default void grantPaysTheDebtFirst() {
        String accountId = openAccountWithOverdraft(50);
        String key = feature("unit", 1);
        deductOk(accountId, key, 30);
        String overdraftLot = balance(accountId).lots().get(0).lotId();

        GrantResult small = grant(accountId, 10);
        assertEquals(10, small.debtPaid());
        assertEquals(0, small.lot().remaining());
        assertEquals(10, small.lot().amount());
        assertEquals(-20, small.balanceAfter());

        GrantResult large = grant(accountId, 50);
        assertEquals(20, large.debtPaid());
        assertEquals(30, large.lot().remaining());
        assertEquals(30, large.balanceAfter());
        String tx = large.transactionId();
        assertEquals(List.of(line(tx, 0, large.lot().lotId(), 30), line(tx, 1, overdraftLot, 20)),
                ledger().receipt(tx).allocations());
        Balance balance = balance(accountId);
        assertEquals(30, balance.total());
        assertEquals(List.of(large.lot().lotId()), balance.lots().stream().map(Lot::lotId).toList());
        assertInvariants(accountId);
    }
}
