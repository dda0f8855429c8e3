package dev.credits.tck;

import dev.credits.CreditLedger;
import dev.credits.Lot;
import dev.credits.Promotion;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.Quote;
import dev.credits.QuoteLine;
import dev.credits.RejectionReason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.credits.tck.CommerceFixture.assertAmount;
import static dev.credits.tck.CommerceFixture.assertLinesAddUp;
import static dev.credits.tck.CommerceFixture.assertUsd;
import static dev.credits.tck.CommerceFixture.linesOf;
import static dev.credits.tck.CommerceFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promotion codes on purchases: discounts after bulk discounts, bonus credits, window, packages, and total and
 * per-account uses counted atomically.
 */
public interface PromotionContract extends CommerceFixture {

    @Test
    default void aPromotionTakesItsPercentAfterBulkThenItsAmountAndAddsBonusCredits() {
        String accountId = openAccount();
        String code = promotion(p -> p.withPercentOff(new BigDecimal("25")).withAmountOff(usd("20.00"))
                .withBonusCredits(50));
        PurchaseRequest request = PurchaseRequest.ofCredits(accountId, 5_000).withPromotionCode(code);

        Quote quote = shop().commerce().quote(request);

        assertTrue(quote.allowed(), () -> "allowed expected: " + quote);
        assertEquals(code, quote.promotionCode());
        assertEquals(5_000, quote.credits());
        assertEquals(50, quote.bonusCredits());
        assertEquals(5_050, quote.totalCredits());
        assertUsd("500.00", quote.listPrice());
        assertUsd("280.00", quote.price()); // 500 - 20% bulk = 400, - 25% = 300, - 20 = 280
        List<String> rules = quote.lines().stream().map(QuoteLine::rule).distinct().toList();
        assertEquals(List.of("credit-rate", "bulk:5000", "promotion:" + code), rules);
        List<QuoteLine> promotionLines = linesOf(quote.lines(), "promotion:" + code);
        assertAmount("-120.00", promotionLines.stream().map(QuoteLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
        assertEquals(50, promotionLines.stream().mapToLong(QuoteLine::credits).sum());
        assertLinesAddUp(quote);
        assertEquals(0, uses(code), "a quote used the promotion");

        PurchaseResult result = purchaseOk(shop(), request);

        assertEquals(code, result.purchase().promotionCode());
        assertEquals(50, result.purchase().bonusCredits());
        assertUsd("280.00", result.purchase().price());
        Lot lot = result.lot();
        assertEquals(5_050, lot.amount(), "bonus credits come on the same lot");
        assertUsd("280.00", lot.moneyPaid());
        assertEquals(List.of(lot), balance(accountId).lots());
        assertEquals(1, uses(code));
        assertInvariants(accountId);
    }

    @Test
    default void aPercentagePromotionOnAPackage() {
        String accountId = openAccount();
        String professional = professionalPackage();
        String code = promotion(p -> p.withPercentOff(new BigDecimal("20")));

        PurchaseResult result = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, professional)
                .withPromotionCode(code));

        assertUsd("899.00", result.purchase().listPrice());
        assertUsd("719.20", result.purchase().price());
        assertEquals(500, result.lot().amount());
        assertEquals(List.of("package:" + professional, "promotion:" + code),
                result.quote().lines().stream().map(QuoteLine::rule).distinct().toList());
        assertLinesAddUp(result.quote());
        assertInvariants(accountId);
    }

    @Test
    default void percentageDiscountsAreRoundedHalfUpToTheCurrencyDigits() {
        String accountId = openAccount();
        String code = promotion(p -> p.withPercentOff(new BigDecimal("10.5")));

        Quote quote = shop().commerce().quote(PurchaseRequest.ofCredits(accountId, 50).withPromotionCode(code));

        assertUsd("5.00", quote.listPrice());
        assertAmount("-0.53", linesOf(quote.lines(), "promotion:" + code).get(0).amount()); // 0.525
        assertUsd("4.47", quote.price());
        assertLinesAddUp(quote);
    }

    @Test
    default void anAmountOffNeverTakesThePriceBelowZero() {
        String accountId = openAccount();
        String code = promotion(p -> p.withAmountOff(usd("500.00")).withBonusCredits(10));

        PurchaseResult result = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starterPackage())
                .withPromotionCode(code));

        assertUsd("0", result.purchase().price());
        assertUsd("0", result.quote().price());
        assertEquals(110, result.lot().amount());
        assertTrue(result.lot().moneyPaid() == null || result.lot().moneyPaid().amount().signum() == 0,
                () -> "a free purchase paid " + result.lot().moneyPaid());
        assertLinesAddUp(result.quote());
        assertInvariants(accountId);
    }

    @Test
    default void promotionsAreSavedListedByCodeAndKeepTheirUseCount() {
        String accountId = openAccount();
        String suffix = uniqueId("");
        String second = "PROMO-B" + suffix;
        String first = "PROMO-A" + suffix;
        ledger().commerce().savePromotion(Promotion.of(second).withBonusCredits(5).withMaxUses(3));
        ledger().commerce().savePromotion(Promotion.of(first).withPercentOff(BigDecimal.TEN));
        String starter = starterPackage();
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(second));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(second));

        assertEquals(List.of(first, second), ledger().commerce().listPromotions().stream().map(Promotion::code)
                .filter(code -> code.endsWith(suffix)).toList());
        Promotion used = ledger().commerce().getPromotion(second).orElseThrow();
        assertEquals(2, used.uses());
        assertEquals(5, used.bonusCredits());

        Promotion saved = ledger().commerce().savePromotion(used.withDescription("spring").withBonusCredits(7).withUses(0));
        assertEquals(2, saved.uses(), "saving a promotion reset its use count");
        assertEquals(2, uses(second));
        assertEquals("spring", ledger().commerce().getPromotion(second).orElseThrow().description());
        assertEquals(107, purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter)
                .withPromotionCode(second)).lot().amount());
        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(second),
                RejectionReason.PROMOTION_EXHAUSTED);
        assertEquals(3, uses(second));
        assertTrue(ledger().commerce().getPromotion(uniqueId("NONE")).isEmpty());
    }

    @Test
    default void anUnknownPromotionIsRejected() {
        String accountId = openAccount();

        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, starterPackage())
                .withPromotionCode(uniqueId("NONE")), RejectionReason.UNKNOWN_PROMOTION);
    }

    @Test
    default void anInactivePromotionOrOneBeforeItsWindowIsRejected() {
        String accountId = openAccount();
        String starter = starterPackage();
        String inactive = promotion(p -> p.withBonusCredits(10).withActive(false));
        Instant opens = now().plus(Duration.ofDays(1));
        String upcoming = promotion(p -> p.withBonusCredits(10).withWindow(opens, null));

        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(inactive),
                RejectionReason.PROMOTION_NOT_ACTIVE);
        clock().set(opens.minusMillis(1));
        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(upcoming),
                RejectionReason.PROMOTION_NOT_ACTIVE);

        clock().set(opens);
        assertEquals(110, purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter)
                .withPromotionCode(upcoming)).lot().amount(), "a promotion is valid from its first instant");
        assertEquals(0, uses(inactive));
        assertInvariants(accountId);
    }

    @Test
    default void aPromotionIsExpiredFromTheEndOfItsWindow() {
        String accountId = openAccount();
        String starter = starterPackage();
        Instant closes = now().plus(Duration.ofDays(1));
        String code = promotion(p -> p.withBonusCredits(10).withWindow(now(), closes));

        clock().set(closes.minusMillis(1));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(code));
        clock().set(closes);
        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(code),
                RejectionReason.PROMOTION_EXPIRED);

        assertEquals(110, available(accountId));
        assertEquals(1, uses(code));
    }

    @Test
    default void aPromotionLimitedToSomePackagesDoesNotApplyElsewhere() {
        String accountId = openAccount();
        String starter = starterPackage();
        String professional = professionalPackage();
        String limited = promotion(p -> p.withBonusCredits(50).withPackageIds(Set.of(professional)));
        String general = promotion(p -> p.withBonusCredits(5));

        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(limited),
                RejectionReason.PROMOTION_NOT_APPLICABLE);
        assertPurchaseRejected(shop(), PurchaseRequest.ofCredits(accountId, 100).withPromotionCode(limited),
                RejectionReason.PROMOTION_NOT_APPLICABLE);

        assertEquals(550, purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, professional)
                .withPromotionCode(limited)).lot().amount());
        assertEquals(105, purchaseOk(shop(), PurchaseRequest.ofCredits(accountId, 100)
                .withPromotionCode(general)).lot().amount(), "a promotion without packages applies to custom amounts");
        assertEquals(1, uses(limited));
        assertInvariants(accountId);
    }

    @Test
    default void aPromotionUsedAsOftenAsAllowedIsExhausted() {
        String code = promotion(p -> p.withBonusCredits(10).withMaxUses(2));
        String starter = starterPackage();
        String first = openAccount();
        String second = openAccount();
        String third = openAccount();

        purchaseOk(ledger(), PurchaseRequest.ofPackage(first, starter).withPromotionCode(code));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(second, starter).withPromotionCode(code));
        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(third, starter).withPromotionCode(code),
                RejectionReason.PROMOTION_EXHAUSTED);

        assertEquals(2, uses(code));
        purchaseOk(ledger(), PurchaseRequest.ofPackage(third, starter));
        assertEquals(100, available(third));
    }

    @Test
    default void anAccountMayUseAPromotionOnlyAsOftenAsItsPerAccountLimit() {
        String code = promotion(p -> p.withBonusCredits(10).withMaxUsesPerAccount(1));
        String starter = starterPackage();
        String accountId = openAccount();
        String other = openAccount();

        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(code));
        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(code),
                RejectionReason.PROMOTION_LIMIT_PER_ACCOUNT);
        purchaseOk(ledger(), PurchaseRequest.ofPackage(other, starter).withPromotionCode(code));

        assertEquals(2, uses(code));
        assertEquals(110, available(accountId));
        assertEquals(110, available(other));
    }

    @Test
    default void failingAPendingPurchaseGivesItsPromotionUseBack() {
        String code = promotion(p -> p.withBonusCredits(10).withMaxUses(1));
        String starter = starterPackage();
        String accountId = openAccount();
        String other = openAccount();
        String purchaseId = uniqueId("pi");
        purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(code)
                .withPurchaseId(purchaseId).withPending(true));
        assertEquals(1, uses(code), "a pending purchase holds its promotion use");
        assertPurchaseRejected(ledger(), PurchaseRequest.ofPackage(other, starter).withPromotionCode(code),
                RejectionReason.PROMOTION_EXHAUSTED);

        ledger().commerce().failPurchase(purchaseId, "card declined");

        assertEquals(0, uses(code));
        assertEquals(110, purchaseOk(ledger(), PurchaseRequest.ofPackage(other, starter).withPromotionCode(code))
                .lot().amount());
        assertEquals(1, uses(code));
        assertEquals(0, available(accountId));
    }

    @Test
    default void aReplayedPurchaseDoesNotUseThePromotionAgain() {
        String code = promotion(p -> p.withBonusCredits(10).withMaxUses(5));
        String accountId = openAccount();
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, starterPackage()).withPromotionCode(code)
                .withPurchaseId(uniqueId("pi"));

        purchaseOk(ledger(), request);
        assertTrue(ledger().commerce().purchase(request).replayed());
        assertTrue(ledger().commerce().purchase(request).replayed());

        assertEquals(1, uses(code));
        assertEquals(110, available(accountId));
    }

    @Test
    default void concurrentPurchasesOfManyAccountsNeverExceedTheTotalUses() throws Exception {
        int threads = 8;
        long maxUses = 5;
        String code = promotion(p -> p.withBonusCredits(10).withMaxUses(maxUses));
        String starter = starterPackage();
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            accounts.add(openAccount());
        }
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());

        List<PurchaseResult> results = concurrently(threads, i -> () -> ledgers.get(i % 2).commerce().purchase(
                PurchaseRequest.ofPackage(accounts.get(i), starter).withPromotionCode(code)));

        assertEquals(maxUses, results.stream().filter(PurchaseResult::success).count());
        assertTrue(results.stream().filter(result -> !result.success())
                .allMatch(result -> result.reason() == RejectionReason.PROMOTION_EXHAUSTED), results::toString);
        assertEquals(maxUses, uses(code));
        for (int i = 0; i < threads; i++) {
            assertEquals(results.get(i).success() ? 110 : 0, available(accounts.get(i)));
            assertInvariants(accounts.get(i));
        }
    }

    @Test
    default void concurrentPurchasesOfOneAccountNeverExceedItsUses() throws Exception {
        int threads = 8;
        long perAccount = 3;
        String code = promotion(p -> p.withBonusCredits(10).withMaxUsesPerAccount(perAccount));
        String starter = starterPackage();
        String accountId = openAccount();
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());

        List<PurchaseResult> results = concurrently(threads, i -> () -> ledgers.get(i % 2).commerce().purchase(
                PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(code)));

        assertEquals(perAccount, results.stream().filter(PurchaseResult::success).count());
        assertTrue(results.stream().filter(result -> !result.success())
                .allMatch(result -> result.reason() == RejectionReason.PROMOTION_LIMIT_PER_ACCOUNT), results::toString);
        assertEquals(perAccount, uses(code));
        assertEquals(perAccount * 110, available(accountId));
        assertEquals(perAccount, ledger().commerce().listPurchases(accountId).size());
        assertFalse(results.stream().anyMatch(PurchaseResult::replayed));
        assertInvariants(accountId);
    }
}
