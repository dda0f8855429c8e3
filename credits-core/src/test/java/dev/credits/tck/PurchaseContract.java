package dev.credits.tck;

import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.GrantRequest;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Purchase;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.PurchaseStatus;
import dev.credits.Quote;
import dev.credits.QuoteLine;
import dev.credits.RejectionReason;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownPurchaseException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.credits.tck.CommerceFixture.assertAmount;
import static dev.credits.tck.CommerceFixture.assertLinesAddUp;
import static dev.credits.tck.CommerceFixture.assertUsd;
import static dev.credits.tck.CommerceFixture.linesOf;
import static dev.credits.tck.CommerceFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credit packages, quotes and purchases: list price, credit rate, bulk discounts, the purchase policy's
 * rejections, pending purchases, purchase ids and the validity of purchased credits.
 */
public interface PurchaseContract extends CommerceFixture {

    // ---------------------------------------------------------------- packages

    @Test
    default void packagesAreSavedReplacedAndListedById() {
        String suffix = uniqueId("");
        String second = "pkg-b" + suffix;
        String first = "pkg-a" + suffix;
        CreditPackage b = CreditPackage.of(second, "B", 500, usd("899.00")).withValidity(Period.ofMonths(12));
        CreditPackage a = CreditPackage.of(first, "A", 100, usd("199.00"));

        assertEquals(b, ledger().commerce().savePackage(b));
        assertEquals(a, ledger().commerce().savePackage(a));

        assertEquals(Optional.of(b), ledger().commerce().getPackage(second));
        assertEquals(List.of(first, second), ledger().commerce().listPackages().stream().map(CreditPackage::packageId)
                .filter(id -> id.endsWith(suffix)).toList());
        CreditPackage cheaper = a.withPrice(usd("149.00")).withActive(false);
        ledger().commerce().savePackage(cheaper);
        assertEquals(Optional.of(cheaper), ledger().commerce().getPackage(first));
        assertEquals(2, ledger().commerce().listPackages().stream().filter(p -> p.packageId().endsWith(suffix)).count());
        assertTrue(ledger().commerce().getPackage(uniqueId("none")).isEmpty());
    }

    // ---------------------------------------------------------------- completed purchases

    /**
     * The ledger keeps a lot's purchase as a typed field: host metadata is the host's alone, even with a key the ledger
     * once used itself ({@code purchaseId}), on the purchase, its lot and its grant entry, pending or not.
     */
    @Test
    default void aHostMetadataKeyNamedPurchaseIdStaysTheHosts() {
        String accountId = openAccount();
        String starter = starterPackage();
        String purchaseId = uniqueId("pi");
        Map<String, String> host = Map.of("purchaseId", "host-order-7", "order", "o-7");

        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(purchaseId)
                .withPending(true).withMetadata(host));
        PurchaseResult completed = ledger().commerce().completePurchase(purchaseId);

        assertEquals(host, completed.purchase().metadata());
        assertEquals(host, completed.lot().metadata());
        assertEquals(purchaseId, completed.lot().purchaseId());
        assertEquals(host, balance(accountId).lots().get(0).metadata(), "as stored");
        LedgerEntry grant = entries(accountId).get(0);
        assertEquals(host, grant.metadata());
        assertEquals(purchaseId, grant.purchaseId());
    }

    @Test
    default void purchaseOfAPackageGrantsOneLotOfItsCredits() {
        String accountId = openAccount();
        String starter = starterPackage();
        String purchaseId = uniqueId("pi");

        PurchaseResult result = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter)
                .withPurchaseId(purchaseId).withPaymentReference("ch_1").withMetadata(Map.of("order", "o-1")));

        assertFalse(result.replayed());
        Purchase purchase = result.purchase();
        assertEquals(purchaseId, purchase.purchaseId());
        assertEquals(accountId, purchase.accountId());
        assertEquals(starter, purchase.packageId());
        assertEquals(CreditLedger.DEFAULT_CREDIT_TYPE, purchase.creditType());
        assertEquals(100, purchase.credits());
        assertEquals(0, purchase.bonusCredits());
        assertUsd("199.00", purchase.listPrice());
        assertUsd("199.00", purchase.price());
        assertNull(purchase.promotionCode());
        assertEquals("ch_1", purchase.paymentReference());
        assertEquals(Period.ofMonths(12), purchase.validity());
        assertEquals(PurchaseStatus.COMPLETED, purchase.status());
        assertEquals(Map.of("order", "o-1"), purchase.metadata());
        assertEquals(now(), purchase.createdAt());
        assertEquals(now(), purchase.resolvedAt());
        assertNull(purchase.failureReason());

        Lot lot = result.lot();
        assertNotNull(lot, "a completed purchase returns its lot");
        assertEquals(lot.lotId(), purchase.lotId());
        assertEquals(lot.transactionId(), purchase.transactionId());
        assertEquals(accountId, lot.accountId());
        assertEquals(LotSource.PURCHASE, lot.source());
        assertEquals(GrantRequest.DEFAULT_PRIORITY, lot.priority());
        assertEquals(100, lot.amount());
        assertEquals(100, lot.remaining());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), lot.expiresAt());
        assertUsd("199.00", lot.moneyPaid());
        assertEquals(Map.of("order", "o-1"), lot.metadata(), "the lot's metadata is the host's alone");
        assertEquals(purchaseId, lot.purchaseId(), "the lot names its purchase (typed, not a metadata key)");
        assertNull(lot.allowance());
        assertEquals(List.of(lot), balance(accountId).lots());

        List<LedgerEntry> entries = entries(accountId);
        assertEquals(1, entries.size(), "a purchase writes exactly one grant");
        assertEquals(EntryType.GRANT, entries.get(0).type());
        assertEquals(purchaseId, entries.get(0).purchaseId());
        assertEquals(Map.of("order", "o-1"), entries.get(0).metadata());
        assertEquals(100, entries.get(0).amount());
        assertEquals(purchase.transactionId(), entries.get(0).transactionId());
        assertEquals(sequence(accountId), result.sequence());
        assertNotNull(result.quote());
        assertUsd("199.00", result.quote().price());
        assertEquals(Optional.of(purchase), ledger().commerce().getPurchase(purchaseId));
        assertEquals(List.of(purchase), ledger().commerce().listPurchases(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void purchaseWithoutAnIdGetsAGeneratedOne() {
        String accountId = openAccount();
        String starter = starterPackage();

        PurchaseResult first = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter));
        PurchaseResult second = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter));

        assertNotNull(first.purchase().purchaseId());
        assertFalse(second.replayed(), "two purchases without id are two purchases");
        assertFalse(first.purchase().purchaseId().equals(second.purchase().purchaseId()));
        assertEquals(200, available(accountId));
        assertEquals(2, balance(accountId).lots().size());
        assertInvariants(accountId);
    }

    @Test
    default void purchasedCreditsExpireExactlyAtTheEndOfTheirValidity() {
        Instant bought = Instant.parse("2025-01-31T10:00:00Z");
        Instant expiry = Instant.parse("2026-01-31T10:00:00Z");
        clock().set(bought);
        String accountId = openAccount();
        String key = feature("unit", 1);

        Lot lot = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starterPackage())).lot();
        assertEquals(expiry, lot.expiresAt());

        clock().set(expiry.minusMillis(1));
        assertEquals(100, available(accountId), "still spendable 1 ms before the expiry");
        deductOk(accountId, key, 1);

        clock().set(expiry);
        assertEquals(0, available(accountId), "expired at the instant of its expiry");
        assertTrue(balance(accountId).lots().isEmpty());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(accountId, key).reason());
        assertInvariants(accountId);
        assertEquals(99, expiredCredits(accountId));
    }

    @Test
    default void validityCountsInUtcCalendarMonthsAndNullNeverExpires() {
        clock().set(Instant.parse("2025-01-31T10:00:00Z"));
        String accountId = openAccount();
        String oneMonth = uniqueId("month");
        String forever = uniqueId("forever");
        ledger().commerce().savePackage(CreditPackage.of(oneMonth, "One month", 10, usd("20.00")).withValidity(Period.ofMonths(1)));
        ledger().commerce().savePackage(CreditPackage.of(forever, "Forever", 10, usd("20.00")));

        Lot monthly = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, oneMonth)).lot();
        Lot lasting = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, forever)).lot();

        assertEquals(Instant.parse("2025-02-28T10:00:00Z"), monthly.expiresAt());
        assertNull(lasting.expiresAt());
        assertInvariants(accountId);
    }

    // ---------------------------------------------------------------- quotes

    @Test
    default void quoteOfAPackageShowsItsPriceAndWritesNothing() {
        String accountId = openAccount();
        String starter = starterPackage();
        AccountState before = state(accountId);

        Quote quote = shop().commerce().quote(PurchaseRequest.ofPackage(accountId, starter));

        assertTrue(quote.allowed());
        assertNull(quote.rejection());
        assertEquals(accountId, quote.accountId());
        assertEquals(starter, quote.packageId());
        assertEquals(100, quote.credits());
        assertEquals(0, quote.bonusCredits());
        assertEquals(100, quote.totalCredits());
        assertUsd("199.00", quote.listPrice());
        assertUsd("199.00", quote.price());
        assertNull(quote.promotionCode());
        assertEquals(1, quote.lines().size(), () -> "one line expected: " + quote.lines());
        QuoteLine line = quote.lines().get(0);
        assertEquals("package:" + starter, line.rule());
        assertAmount("199.00", line.amount());
        assertEquals(100, line.credits());
        assertUnchanged(before, accountId);
        assertTrue(ledger().commerce().listPurchases(accountId).isEmpty(), "a quote recorded a purchase");
    }

    @Test
    default void quoteOfACustomAmountPricesCreditsAtTheCreditRate() {
        String accountId = openAccount();
        AccountState before = state(accountId);

        Quote quote = shop().commerce().quote(PurchaseRequest.ofCredits(accountId, 250));

        assertTrue(quote.allowed());
        assertNull(quote.packageId());
        assertEquals(250, quote.credits());
        assertUsd("25.00", quote.listPrice());
        assertUsd("25.00", quote.price());
        assertEquals(1, quote.lines().size(), () -> "one line expected: " + quote.lines());
        assertEquals("credit-rate", quote.lines().get(0).rule());
        assertAmount("25.00", quote.lines().get(0).amount());
        assertEquals(250, quote.lines().get(0).credits());
        assertUnchanged(before, accountId);
    }

    @Test
    default void creditRateListPriceIsRoundedToTheCurrencyDigitsHalfUp() {
        String accountId = openAccount();
        CreditLedger cents = shop(PurchasePolicy.DEFAULT.withCreditRate(Money.of("0.015", "USD")));
        CreditLedger yen = shop(PurchasePolicy.DEFAULT.withCreditRate(Money.of("1.5", "JPY")));

        assertUsd("0.11", cents.commerce().quote(PurchaseRequest.ofCredits(accountId, 7)).listPrice()); // 0.105
        assertUsd("0.02", cents.commerce().quote(PurchaseRequest.ofCredits(accountId, 1)).listPrice()); // 0.015
        assertUsd("0.15", cents.commerce().quote(PurchaseRequest.ofCredits(accountId, 10)).price());
        Money fiveYen = yen.commerce().quote(PurchaseRequest.ofCredits(accountId, 3)).listPrice(); // 4.5
        assertEquals("JPY", fiveYen.currency().getCurrencyCode());
        assertAmount("5", fiveYen.amount());
    }

    @Test
    default void theHighestBulkTierReachedAppliesAlone() {
        String accountId = openAccount();
        CreditLedger shop = shop();

        Quote below = shop.commerce().quote(PurchaseRequest.ofCredits(accountId, 999));
        Quote first = shop.commerce().quote(PurchaseRequest.ofCredits(accountId, 1_000));
        Quote between = shop.commerce().quote(PurchaseRequest.ofCredits(accountId, 4_999));
        Quote second = shop.commerce().quote(PurchaseRequest.ofCredits(accountId, 5_000));
        Quote most = shop.commerce().quote(PurchaseRequest.ofCredits(accountId, 10_000));

        assertUsd("99.90", below.price());
        assertEquals(List.of("credit-rate"), below.lines().stream().map(QuoteLine::rule).toList());
        assertUsd("100.00", first.listPrice());
        assertUsd("90.00", first.price());
        assertEquals(List.of("credit-rate", "bulk:1000"), first.lines().stream().map(QuoteLine::rule).toList());
        assertAmount("-10.00", first.lines().get(1).amount());
        assertEquals(0, first.lines().get(1).credits());
        assertUsd("499.90", between.listPrice());
        assertUsd("449.91", between.price());
        assertUsd("500.00", second.listPrice());
        assertUsd("400.00", second.price());
        assertEquals(List.of("credit-rate", "bulk:5000"), second.lines().stream().map(QuoteLine::rule).toList());
        assertAmount("-100.00", second.lines().get(1).amount());
        assertUsd("800.00", most.price());
        for (Quote quote : List.of(below, first, between, second, most)) {
            assertTrue(quote.allowed(), () -> "allowed expected: " + quote);
            assertLinesAddUp(quote);
        }
    }

    @Test
    default void bulkDiscountsApplyToPackagesToo() {
        String accountId = openAccount();
        String bulk = uniqueId("bulk");
        ledger().commerce().savePackage(CreditPackage.of(bulk, "Bulk", 1_000, usd("150.00")));

        PurchaseResult result = purchaseOk(shop(), PurchaseRequest.ofPackage(accountId, bulk));

        assertEquals(List.of("package:" + bulk, "bulk:1000"),
                result.quote().lines().stream().map(QuoteLine::rule).toList());
        assertUsd("150.00", result.purchase().listPrice());
        assertUsd("135.00", result.purchase().price());
        assertUsd("135.00", result.lot().moneyPaid());
        assertEquals(1_000, result.lot().amount());
        assertInvariants(accountId);
    }

    @Test
    default void purchaseOfACustomAmountGrantsTheCreditsAtTheDiscountedPrice() {
        String accountId = openAccount();

        PurchaseResult result = purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 5_000));

        Purchase purchase = result.purchase();
        assertEquals(PurchaseStatus.COMPLETED, purchase.status());
        assertNull(purchase.packageId());
        assertEquals(5_000, purchase.credits());
        assertUsd("500.00", purchase.listPrice());
        assertUsd("400.00", purchase.price());
        Lot lot = result.lot();
        assertEquals(5_000, lot.amount());
        assertEquals(LotSource.PURCHASE, lot.source());
        assertUsd("400.00", lot.moneyPaid());
        if (purchase.validity() == null) {
            assertNull(lot.expiresAt(), "no validity, yet the lot expires");
        }
        assertEquals(5_000, available(accountId));
        assertInvariants(accountId);
    }

    // ---------------------------------------------------------------- rejections

    @Test
    default void unknownPackageIsRejected() {
        String accountId = openAccount();

        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, uniqueId("nope"))
                .withPurchaseId(uniqueId("pi")), RejectionReason.UNKNOWN_PACKAGE);
        assertEquals(404, RejectionReason.UNKNOWN_PACKAGE.httpStatus());
    }

    @Test
    default void inactivePackageIsRejected() {
        String accountId = openAccount();
        String retired = uniqueId("retired");
        ledger().commerce().savePackage(CreditPackage.of(retired, "Retired", 100, usd("199.00")).withActive(false));

        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, retired)
                .withPurchaseId(uniqueId("pi")), RejectionReason.INACTIVE_PACKAGE);
    }

    @Test
    default void anAccountOnAPlanThatCannotBuyCreditsIsRejected() {
        String free = uniqueId("free");
        String paid = uniqueId("paid");
        ledger().plans().savePlan(Plan.of(free, "Free", 50).withCanBuyCredits(false));
        ledger().plans().savePlan(Plan.of(paid, "Paid", 200));
        String onFree = openAccount();
        String onPaid = openAccount();
        ledger().plans().assignPlan(onFree, free);
        ledger().plans().assignPlan(onPaid, paid);
        String starter = starterPackage();

        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(onFree, starter),
                RejectionReason.PLAN_CANNOT_BUY_CREDITS);
        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(onFree, 100),
                RejectionReason.PLAN_CANNOT_BUY_CREDITS);
        purchaseOk(ledger(), PurchaseRequest.ofPackage(onPaid, starter));
        assertEquals(100, available(onPaid));
        assertInvariants(onPaid);
    }

    @Test
    default void aPurchaseBelowTheMinimumListPriceIsRejected() {
        String accountId = openAccount();
        String tiny = uniqueId("tiny");
        ledger().commerce().savePackage(CreditPackage.of(tiny, "Tiny", 10, usd("4.99")));
        String free = promotion(p -> p.withAmountOff(usd("5.00")));

        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(accountId, 49), RejectionReason.BELOW_MINIMUM_PURCHASE);
        assertPurchaseRejected(shop(), PurchaseRequest.ofPackage(accountId, tiny),
                RejectionReason.BELOW_MINIMUM_PURCHASE);
        assertUsd("5.00", purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 50)).purchase().price());
        PurchaseResult discounted = purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 50)
                .withPromotionCode(free));
        assertUsd("5.00", discounted.purchase().listPrice());
        assertUsd("0", discounted.purchase().price());
        assertEquals(100, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aPurchaseOfMoreThanTheMaximumCreditsIsRejectedBonusCreditsAside() {
        String accountId = openAccount();
        String huge = uniqueId("huge");
        ledger().commerce().savePackage(CreditPackage.of(huge, "Huge", 20_000, usd("1500.00")));
        String bonus = promotion(p -> p.withBonusCredits(500));

        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(accountId, 10_001),
                RejectionReason.ABOVE_MAXIMUM_PURCHASE);
        assertPurchaseRejected(shop(), PurchaseRequest.ofPackage(accountId, huge),
                RejectionReason.ABOVE_MAXIMUM_PURCHASE);
        PurchaseResult most = purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 10_000)
                .withPromotionCode(bonus));

        assertEquals(10_500, most.lot().amount());
        assertEquals(10_500, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aCustomAmountWithoutACreditRateIsRejected() {
        String accountId = openAccount();

        assertPurchaseRejected(ledger(), PurchaseRequest.ofCredits(accountId, 100), RejectionReason.NO_CREDIT_RATE);
    }

    @Test
    default void quoteAndPurchaseOfAnUnknownAccountThrow() {
        String accountId = newAccountId();
        String starter = starterPackage();

        assertThrows(UnknownAccountException.class,
                () -> ledger().commerce().quote(PurchaseRequest.ofPackage(accountId, starter)));
        assertThrows(UnknownAccountException.class,
                () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, starter)));
        assertThrows(UnknownAccountException.class, () -> ledger().commerce().listPurchases(accountId));
        assertTrue(ledger().getAccount(accountId).isEmpty(), "a purchase opened the account");
    }

    // ---------------------------------------------------------------- pending purchases

    @Test
    default void aPendingPurchaseGrantsNothingUntilCompleted() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        String purchaseId = uniqueId("pi");
        AccountState before = state(accountId);

        PurchaseResult pending = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starterPackage())
                .withPurchaseId(purchaseId).withPending(true));

        assertEquals(PurchaseStatus.PENDING, pending.purchase().status());
        assertNull(pending.lot());
        assertNull(pending.purchase().lotId());
        assertNull(pending.purchase().transactionId());
        assertNull(pending.purchase().resolvedAt());
        assertSameCredits(before, accountId, "a pending purchase changed the balance");
        assertEquals(before.entries(), entries(accountId), "a pending purchase wrote an entry");
        DeductionResult spend = ledger().deductCredits(accountId, key);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, spend.reason(), "pending credits are not spendable");
        assertEquals(List.of(pending.purchase()), ledger().commerce().listPurchases(accountId));

        Instant paid = Instant.parse("2025-01-31T10:00:00Z");
        clock().set(paid);
        PurchaseResult completed = ledger().commerce().completePurchase(purchaseId);

        assertTrue(completed.success());
        assertFalse(completed.replayed());
        Purchase purchase = completed.purchase();
        assertEquals(PurchaseStatus.COMPLETED, purchase.status());
        assertEquals(START, purchase.createdAt());
        assertEquals(paid, purchase.resolvedAt());
        assertNotNull(completed.lot());
        assertEquals(completed.lot().lotId(), purchase.lotId());
        assertEquals(100, completed.lot().amount());
        assertEquals(LotSource.PURCHASE, completed.lot().source());
        assertEquals(Instant.parse("2026-01-31T10:00:00Z"), completed.lot().expiresAt(),
                "validity counts from completion");
        assertEquals(100, available(accountId));
        assertEquals(Optional.of(purchase), ledger().commerce().getPurchase(purchaseId));

        AccountState after = state(accountId);
        PurchaseResult again = ledger().commerce().completePurchase(purchaseId);
        assertTrue(again.success());
        assertTrue(again.replayed());
        assertEquals(PurchaseStatus.COMPLETED, again.purchase().status());
        assertEquals(purchase.lotId(), again.purchase().lotId());
        assertUnchanged(after, accountId);
        deductOk(accountId, key, 1);
        assertInvariants(accountId);
    }

    @Test
    default void aFailedPurchaseGrantsNothingAndCannotBeCompleted() {
        String accountId = openAccount();
        String purchaseId = uniqueId("pi");
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starterPackage()).withPurchaseId(purchaseId)
                .withPending(true));
        AccountState before = state(accountId);
        Instant failedAt = advance(Duration.ofMinutes(3));

        PurchaseResult failed = ledger().commerce().failPurchase(purchaseId, "card declined");

        assertTrue(failed.success());
        assertFalse(failed.replayed());
        assertNull(failed.lot());
        assertEquals(PurchaseStatus.FAILED, failed.purchase().status());
        assertEquals("card declined", failed.purchase().failureReason());
        assertEquals(failedAt, failed.purchase().resolvedAt());
        assertNull(failed.purchase().lotId());
        assertSameCredits(before, accountId);
        assertEquals(before.entries(), entries(accountId));

        PurchaseResult again = ledger().commerce().failPurchase(purchaseId, "card declined");
        assertTrue(again.replayed());
        assertEquals(PurchaseStatus.FAILED, again.purchase().status());
        AccountState afterFailure = state(accountId);
        assertThrows(PurchaseStateException.class, () -> ledger().commerce().completePurchase(purchaseId));
        assertUnchanged(afterFailure, accountId);
        assertEquals(PurchaseStatus.FAILED, ledger().commerce().getPurchase(purchaseId).orElseThrow().status());
        assertInvariants(accountId);
    }

    @Test
    default void aCompletedPurchaseCannotFail() {
        String accountId = openAccount();
        String starter = starterPackage();
        String direct = uniqueId("pi");
        String later = uniqueId("pi");
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(direct));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(later).withPending(true));
        ledger().commerce().completePurchase(later);

        assertThrowsUnchanged(PurchaseStateException.class, accountId, () -> ledger().commerce().failPurchase(direct, "late"));
        assertThrowsUnchanged(PurchaseStateException.class, accountId, () -> ledger().commerce().failPurchase(later, "late"));

        assertEquals(PurchaseStatus.COMPLETED, ledger().commerce().getPurchase(direct).orElseThrow().status());
        assertEquals(200, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void anUnknownPurchaseIdThrows() {
        String unknown = uniqueId("pi");

        assertThrows(UnknownPurchaseException.class, () -> ledger().commerce().completePurchase(unknown));
        assertThrows(UnknownPurchaseException.class, () -> ledger().commerce().failPurchase(unknown, "declined"));
        assertTrue(ledger().commerce().getPurchase(unknown).isEmpty());
    }

    // ---------------------------------------------------------------- purchase ids

    @Test
    default void theSamePurchaseIdWithTheSameRequestReplaysTheFirstPurchase() {
        String accountId = openAccount();
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, starterPackage())
                .withPurchaseId(uniqueId("pi"));
        PurchaseResult first = purchaseOk(ledger(), request);
        AccountState before = state(accountId);

        PurchaseResult second = newLedger().commerce().purchase(request);

        assertTrue(second.success());
        assertTrue(second.replayed());
        assertEquals(first.purchase().purchaseId(), second.purchase().purchaseId());
        assertEquals(first.purchase().lotId(), second.purchase().lotId());
        assertEquals(first.purchase().transactionId(), second.purchase().transactionId());
        assertUnchanged(before, accountId);
        assertEquals(1, ledger().commerce().listPurchases(accountId).size());
        assertEquals(100, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void theSamePurchaseIdForAnotherPurchaseOrAccountConflicts() {
        String accountId = openAccount();
        String other = openAccount();
        String purchaseId = uniqueId("pi");
        String starter = starterPackage();
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(purchaseId));

        assertThrowsUnchanged(IdempotencyConflictException.class, accountId, () -> ledger().commerce().purchase(
                PurchaseRequest.ofPackage(accountId, professionalPackage()).withPurchaseId(purchaseId)));
        assertThrowsUnchanged(IdempotencyConflictException.class, other, () -> ledger().commerce().purchase(
                PurchaseRequest.ofPackage(other, starter).withPurchaseId(purchaseId)));

        assertEquals(accountId, ledger().commerce().getPurchase(purchaseId).orElseThrow().accountId());
        assertTrue(ledger().commerce().listPurchases(other).isEmpty());
        assertEquals(100, available(accountId));
    }

    @Test
    default void theSamePurchaseIdWithAnotherPromotionOrAmountConflicts() {
        String accountId = openAccount();
        String code = promotion(p -> p.withBonusCredits(10));
        String custom = uniqueId("pi");
        String promoted = uniqueId("pi");
        purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 100).withPurchaseId(custom));
        purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 100).withPurchaseId(promoted)
                .withPromotionCode(code));

        assertThrowsUnchanged(IdempotencyConflictException.class, accountId, () -> shop().commerce().purchase(
                PurchaseRequest.ofCredits(accountId, 200).withPurchaseId(custom)));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId, () -> shop().commerce().purchase(
                PurchaseRequest.ofCredits(accountId, 100).withPurchaseId(custom).withPromotionCode(code)));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId, () -> shop().commerce().purchase(
                PurchaseRequest.ofCredits(accountId, 100).withPurchaseId(promoted)));

        assertEquals(1, uses(code));
        assertEquals(210, available(accountId));
    }

    @Test
    default void theSamePurchaseIdWithAnotherPaymentReferenceConflictsButThePendingFlagReplays() {
        String accountId = openAccount();
        String starter = starterPackage();
        String purchaseId = uniqueId("pi");
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(purchaseId)
                .withPaymentReference("ch_1").withPending(true);
        purchaseOk(ledger(), request);

        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> ledger().commerce().purchase(request.withPaymentReference("ch_2")));
        // The id names the purchase; whether its payment is confirmed is its state, moved by completePurchase.
        PurchaseResult again = ledger().commerce().purchase(request.withPending(false));
        assertTrue(again.replayed());
        assertEquals(PurchaseStatus.PENDING, again.purchase().status());

        assertEquals(PurchaseStatus.PENDING, ledger().commerce().getPurchase(purchaseId).orElseThrow().status());
        assertTrue(ledger().commerce().purchase(request).replayed());
    }

    @Test
    default void concurrentPurchasesWithOnePurchaseIdOnManyAccountsRecordItOnce() throws Exception {
        int threads = 8;
        String starter = starterPackage();
        String purchaseId = uniqueId("pi");
        List<String> accounts = new java.util.ArrayList<>();
        for (int i = 0; i < threads; i++) {
            accounts.add(openAccount());
        }
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());

        List<Object> outcomes = concurrently(threads, i -> () -> {
            try {
                return ledgers.get(i % 2).commerce().purchase(PurchaseRequest.ofPackage(accounts.get(i), starter)
                        .withPurchaseId(purchaseId));
            } catch (IdempotencyConflictException e) {
                return e;
            }
        });

        List<PurchaseResult> bought = outcomes.stream().filter(o -> o instanceof PurchaseResult)
                .map(o -> (PurchaseResult) o).toList();
        assertEquals(1, bought.size(), outcomes::toString);
        assertTrue(bought.get(0).success());
        String owner = bought.get(0).purchase().accountId();
        assertEquals(owner, ledger().commerce().getPurchase(purchaseId).orElseThrow().accountId());
        for (String accountId : accounts) {
            assertEquals(accountId.equals(owner) ? 100 : 0, available(accountId));
            assertEquals(accountId.equals(owner) ? 1 : 0, ledger().commerce().listPurchases(accountId).size());
            assertInvariants(accountId);
        }
    }

    @Test
    default void concurrentCompletionsAndFailuresResolveAPendingPurchaseOnce() throws Exception {
        int threads = 8;
        String accountId = openAccount();
        String code = promotion(p -> p.withBonusCredits(10).withMaxUses(1));
        String purchaseId = uniqueId("pi");
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starterPackage()).withPurchaseId(purchaseId)
                .withPromotionCode(code).withPending(true));
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());

        List<Object> outcomes = concurrently(threads, i -> () -> {
            CreditLedger ledger = ledgers.get((i / 2) % 2);
            try {
                return i % 2 == 0 ? ledger.commerce().completePurchase(purchaseId) : ledger.commerce().failPurchase(purchaseId, "declined");
            } catch (PurchaseStateException e) {
                return e;
            }
        });

        List<PurchaseResult> firsts = outcomes.stream().filter(o -> o instanceof PurchaseResult)
                .map(o -> (PurchaseResult) o).filter(r -> !r.replayed()).toList();
        assertEquals(1, firsts.size(), outcomes::toString);
        PurchaseStatus status = ledger().commerce().getPurchase(purchaseId).orElseThrow().status();
        assertEquals(firsts.get(0).purchase().status(), status);
        for (Object outcome : outcomes) {
            if (outcome instanceof PurchaseResult result) {
                assertEquals(status, result.purchase().status(), outcomes::toString);
            }
        }
        assertEquals(status == PurchaseStatus.COMPLETED ? 110 : 0, available(accountId));
        assertEquals(status == PurchaseStatus.COMPLETED ? 1 : 0, uses(code));
        assertInvariants(accountId);
    }

    @Test
    default void theSameIdempotencyKeyReplaysOrConflicts() {
        String accountId = openAccount();
        String starter = starterPackage();
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, starter).withIdempotencyKey(uniqueId("key"));
        PurchaseResult first = purchaseOk(ledger(), request);
        AccountState before = state(accountId);

        PurchaseResult second = ledger().commerce().purchase(request);

        assertTrue(second.replayed());
        assertEquals(first.purchase().purchaseId(), second.purchase().purchaseId());
        assertEquals(request.idempotencyKey(), first.purchase().idempotencyKey());
        assertUnchanged(before, accountId);
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId, () -> ledger().commerce().purchase(
                PurchaseRequest.ofPackage(accountId, professionalPackage())
                        .withIdempotencyKey(request.idempotencyKey())));
        assertEquals(1, ledger().commerce().listPurchases(accountId).size());
    }

    @Test
    default void aRejectedPurchaseIsNotRecordedSoItsIdCanBeUsedAgain() {
        String accountId = openAccount();
        String paused = uniqueId("paused");
        CreditPackage offer = CreditPackage.of(paused, "Paused", 100, usd("199.00")).withActive(false);
        ledger().commerce().savePackage(offer);
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, paused).withPurchaseId(uniqueId("pi"));
        assertPurchaseRejected(ledger(), request, RejectionReason.INACTIVE_PACKAGE);
        ledger().commerce().savePackage(offer.withActive(true));

        PurchaseResult result = purchaseOk(ledger(), request);

        assertFalse(result.replayed(), "a rejection was recorded under the purchase id");
        assertEquals(PurchaseStatus.COMPLETED, result.purchase().status());
        assertEquals(100, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void purchasesAreListedOldestFirst() {
        String accountId = openAccount();
        String starter = starterPackage();
        String first = uniqueId("pi-c");
        String second = uniqueId("pi-a");
        String third = uniqueId("pi-b");
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(first));
        advance(Duration.ofSeconds(1));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, professionalPackage()).withPurchaseId(second)
                .withPending(true));
        advance(Duration.ofSeconds(1));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(third));

        assertEquals(List.of(first, second, third), purchaseIds(accountId));
        assertTrue(ledger().commerce().listPurchases(openAccount()).isEmpty());
    }

    @Test
    default void aPurchaseWhosePolicyWasCheckedAtCheckoutIsNotRejectedByLaterChanges() {
        CreditLedger shop = shop();
        String accountId = openAccount();
        String starter = starterPackage();
        String noBuying = uniqueId("free");
        shop.plans().savePlan(Plan.of(noBuying, "Free", 10).withCanBuyCredits(false));
        shop.plans().assignPlan(accountId, noBuying);
        shop.commerce().savePackage(shop.commerce().getPackage(starter).orElseThrow().withActive(false));
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, starter).withPurchaseId(uniqueId("pi"));

        assertEquals(RejectionReason.INACTIVE_PACKAGE, shop.commerce().purchase(request).reason());
        PurchaseResult paid = shop.commerce().purchase(request.withPolicyChecked(true));

        assertTrue(paid.success());
        assertEquals(PurchaseStatus.COMPLETED, paid.purchase().status());
        assertEquals(100, shop.balance(accountId).available());
        assertEquals(RejectionReason.UNKNOWN_PACKAGE, shop.commerce().purchase(PurchaseRequest.ofPackage(accountId,
                uniqueId("none")).withPolicyChecked(true)).reason());
        assertInvariants(accountId);
    }
}
