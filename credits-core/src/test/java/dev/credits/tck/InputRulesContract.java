package dev.credits.tck;

import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.DeductRequest;
import dev.credits.FeatureDefinition;
import dev.credits.FeaturePricing;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.Hold;
import dev.credits.HistoryFilter;
import dev.credits.HoldStatus;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Money;
import dev.credits.PageRequest;
import dev.credits.PeriodResult;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.Purchase;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseStatus;
import dev.credits.RefundRequest;
import dev.credits.ReserveRequest;
import dev.credits.testkit.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every store accepts and rejects exactly the same inputs (design invariant 9): ids are valid Unicode without
 * control characters, free text holds no NUL and no unpaired surrogate, instants lie in
 * [0001-01-01T00:00:00Z, 9999-12-31T23:59:59.999Z] at millisecond precision, money has at most 18 decimals and
 * 20 integer digits, and history bounds outside the instant range mean "unbounded". What is accepted reads back
 * exactly as written (characters outside the Basic Multilingual Plane included); what is rejected is an
 * {@link InvalidArgumentException} and changes nothing, so no store ever merges two ids or stores a value
 * another store would refuse.
 */
public interface InputRulesContract extends CommerceFixture {

    /** U+1F600 (grinning face): a proper surrogate pair, 4 bytes in UTF-8. */
    String GRINNING = "\uD83D\uDE00";
    /** U+1F601: another emoji with the same high surrogate. */
    String BEAMING = "\uD83D\uDE01";
    /** U+1D11E (musical symbol G clef). */
    String CLEF = "\uD834\uDD1E";

    /** The first instant of the documented range. */
    Instant FIRST_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    /** The last instant of the documented range. */
    Instant LAST_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

    /** @return {@code base} spoiled with unpaired surrogates in every position a fuzzer found */
    private static List<String> withUnpairedSurrogates(String base) {
        return List.of(base + "\uD800", base + "\uDBFF", base + "\uDC00", base + "\uDFFF" + "x",
                base + "\uDC00\uD800", "\uD83D" + base, base.substring(0, 2) + "\uDE00" + base.substring(2));
    }

    /** @return {@code base} with a control character in it, one per kind (C0, DEL, C1) */
    private static List<String> withControlCharacters(String base) {
        return List.of(base + "\u0000", base + "\t", "\n" + base, base + "\r\n", base + "\u001F", base + "\u007F",
                base + "\u0085", base + "\u009F");
    }

    /** @return dollars (static interface methods are not inherited) */
    private static Money usd(String amount) {
        return CommerceFixture.usd(amount);
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** Asserts {@code call} throws InvalidArgumentException and leaves the account as it was. */
    private void assertInvalid(String accountId, Executable call) {
        assertThrowsUnchanged(InvalidArgumentException.class, accountId, call);
    }

    private static void assertInvalid(Executable call, String what) {
        assertThrows(InvalidArgumentException.class, call, what);
    }

    // ---------------------------------------------------------------- ids: unpaired surrogates

    @Test
    default void accountIdsWithUnpairedSurrogatesAreRejectedAndNeverMerged() {
        String base = unique("sur_");
        String key = feature("image", 1);
        for (String bad : withUnpairedSurrogates(base)) {
            String what = "account id " + bad.chars().mapToObj(Integer::toHexString).toList();
            assertInvalid(() -> ledger().openAccount(bad), what);
            assertInvalid(() -> ledger().getAccount(bad), what);
            assertInvalid(() -> grant(bad, 10), what);
            assertInvalid(() -> ledger().deductCredits(bad, key), what);
            assertInvalid(() -> ledger().balance(bad), what);
            assertInvalid(() -> ledger().history(bad, HistoryFilter.all(), PageRequest.first()), what);
            assertInvalid(() -> ledger().commerce().listPurchases(bad), what);
        }
        // What PostgreSQL's driver would have made of them: another id, never opened.
        assertEquals(Optional.empty(), ledger().getAccount(base + "?"));
        assertEquals(Optional.empty(), ledger().getAccount(base));

        ledger().openAccount(base + "?");
        grant(base + "?", 5);
        assertEquals(5, available(base + "?"));
        for (String bad : withUnpairedSurrogates(base)) {
            assertInvalid(() -> ledger().getAccount(bad), "still rejected once '" + base + "?' exists");
        }
    }

    @Test
    default void idempotencyKeysWithUnpairedSurrogatesAreRejected() {
        String accountId = openFunded(100);
        String key = feature("image", 1);
        String tx = deductOk(accountId, key, 5).transactionId();
        String starter = starterPackage();
        for (String bad : withUnpairedSurrogates("key-1")) {
            assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 1).withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key)
                    .withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, key).withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().refundCredits(RefundRequest.of(tx).withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, starter)
                    .withIdempotencyKey(bad)));
        }
        assertEquals(List.of(), purchaseIds(accountId));
        // "key-1?" was never used: its first use is no replay of anything above.
        GrantResult first = ledger().grant(GrantRequest.of(accountId, 1).withIdempotencyKey("key-1?"));
        assertFalse(first.replayed());
        assertTrue(ledger().grant(GrantRequest.of(accountId, 1).withIdempotencyKey("key-1?")).replayed());
        assertEquals(96, available(accountId));
    }

    @Test
    default void userIdsWithUnpairedSurrogatesAreRejected() {
        String accountId = openFunded(100);
        String key = feature("image", 1);
        deductOk(accountId, key, 1);
        for (String bad : withUnpairedSurrogates("user_7")) {
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key).withUserId(bad)));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, key).withUserId(bad)));
            assertInvalid(() -> ledger().history(accountId, HistoryFilter.all().withUserId(bad), PageRequest.first()),
                    "history of user " + bad);
        }
        assertTrue(ledger().deductCredits(DeductRequest.of(accountId, key).withUserId("user_7?")).success());
        assertEquals(1, ledger().history(accountId, HistoryFilter.all().withUserId("user_7?"), PageRequest.first())
                .entries().size());
    }

    @Test
    default void holdAndTransactionIdsWithUnpairedSurrogatesAreRejected() {
        String accountId = openFunded(100);
        String key = feature("render", 10);
        String holdId = ledger().reserve(ReserveRequest.of(accountId, key)).hold().holdId();
        String tx = deductOk(accountId, key, 1).transactionId();
        for (String bad : withUnpairedSurrogates(holdId)) {
            assertInvalid(accountId, () -> ledger().commit(bad));
            assertInvalid(accountId, () -> ledger().commit(bad, 1));
            assertInvalid(accountId, () -> ledger().commitQuantity(bad, 1));
            assertInvalid(accountId, () -> ledger().release(bad));
            assertInvalid(accountId, () -> ledger().getHold(bad));
        }
        for (String bad : withUnpairedSurrogates(tx)) {
            assertInvalid(accountId, () -> ledger().receipt(bad));
            assertInvalid(accountId, () -> ledger().refundCredits(RefundRequest.of(bad)));
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key).withRetryOf(bad)));
        }
        assertEquals(HoldStatus.OPEN, ledger().getHold(holdId).orElseThrow().status());
        assertEquals(80, available(accountId));
    }

    @Test
    default void catalogAndPurchaseIdsWithUnpairedSurrogatesAreRejected() {
        String accountId = openAccount();
        String starter = starterPackage();
        String code = promotion(p -> p.withBonusCredits(5));
        String planId = uniqueId("plan");
        ledger().plans().savePlan(Plan.of(planId, "Plan", 10));
        String pending = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPending(true))
                .purchase().purchaseId();
        String base = uniqueId("sur");
        for (String bad : withUnpairedSurrogates(base)) {
            String what = "id " + bad.chars().mapToObj(Integer::toHexString).toList();
            assertInvalid(() -> ledger().commerce().savePackage(CreditPackage.of(bad, "Bad", 10, usd("1.00"))), what);
            assertInvalid(() -> ledger().commerce().getPackage(bad), what);
            assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(bad).withBonusCredits(1)), what);
            assertInvalid(() -> ledger().commerce().getPromotion(bad), what);
            assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(uniqueId("P")).withBonusCredits(1)
                    .withPackageIds(Set.of(bad))), what);
            assertInvalid(() -> ledger().plans().savePlan(Plan.of(bad, "Bad", 10)), what);
            assertInvalid(() -> ledger().plans().getPlan(bad), what);
            assertInvalid(() -> ledger().createFeaturePricing(FeatureDefinition.of(newFeatureKey("bad"), "Bad", 1)
                    .withPlanPrice(bad, 1)), what);
            assertInvalid(accountId, () -> ledger().plans().assignPlan(accountId, bad));
            assertInvalid(accountId, () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, bad)));
            assertInvalid(accountId, () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, starter)
                    .withPromotionCode(bad)));
            assertInvalid(accountId, () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, starter)
                    .withPurchaseId(bad)));
            assertInvalid(accountId, () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, starter)
                    .withPaymentReference(bad)));
            assertInvalid(accountId, () -> ledger().commerce().completePurchase(bad));
            assertInvalid(accountId, () -> ledger().commerce().failPurchase(bad, "declined"));
            assertInvalid(accountId, () -> ledger().commerce().getPurchase(bad));
            assertInvalid(accountId, () -> ledger().commerce().clawBackPurchase(bad, 1, "refund"));
        }
        for (String bad : withUnpairedSurrogates(code)) {
            assertInvalid(accountId, () -> ledger().commerce().quote(PurchaseRequest.ofPackage(accountId, starter)
                    .withPromotionCode(bad)));
        }
        assertEquals(List.of(pending), purchaseIds(accountId));
        assertEquals(PurchaseStatus.PENDING, ledger().commerce().getPurchase(pending).orElseThrow().status());
        assertEquals(0, uses(code));
        assertEquals(Optional.empty(), ledger().commerce().getPackage(base + "?"));
        assertEquals(Optional.empty(), ledger().commerce().getPromotion(base + "?"));
        assertEquals(Optional.empty(), ledger().plans().getPlan(base + "?"));
    }

    // ---------------------------------------------------------------- ids: control characters

    @Test
    default void idsWithControlCharactersAreRejected() {
        String accountId = openFunded(100);
        String key = feature("image", 1);
        String holdId = ledger().reserve(ReserveRequest.of(accountId, key)).hold().holdId();
        String starter = starterPackage();
        String base = uniqueId("ctl");
        for (String bad : withControlCharacters(base)) {
            String what = "id " + bad.chars().mapToObj(Integer::toHexString).toList();
            assertInvalid(() -> ledger().openAccount(bad), what);
            assertInvalid(() -> ledger().getAccount(bad), what);
            assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 1).withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key).withUserId(bad)));
            assertInvalid(accountId, () -> ledger().release(bad));
            assertInvalid(accountId, () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, starter)
                    .withPurchaseId(bad)));
            assertInvalid(() -> ledger().commerce().savePackage(CreditPackage.of(bad, "Bad", 10, usd("1.00"))), what);
            assertInvalid(() -> ledger().plans().savePlan(Plan.of(bad, "Bad", 10)), what);
            assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(bad).withBonusCredits(1)), what);
        }
        assertEquals(Optional.empty(), ledger().getAccount(base));
        assertEquals(Optional.empty(), ledger().commerce().getPackage(base));
        assertEquals(Optional.empty(), ledger().plans().getPlan(base));
        assertEquals(Optional.empty(), ledger().commerce().getPromotion(base));
        assertEquals(List.of(), purchaseIds(accountId));
        assertEquals(HoldStatus.OPEN, ledger().getHold(holdId).orElseThrow().status());
    }

    // ---------------------------------------------------------------- free text

    @Test
    default void nulInFreeTextIsRejected() {
        assertFreeTextRejected("before\u0000after");
        assertFreeTextRejected("\u0000");
    }

    @Test
    default void unpairedSurrogatesInFreeTextAreRejected() {
        for (String bad : withUnpairedSurrogates("text")) {
            assertFreeTextRejected(bad);
        }
    }

    /** Asserts that every free text a caller can store rejects {@code bad} and nothing is written. */
    private void assertFreeTextRejected(String bad) {
        String accountId = openFunded(100);
        String key = feature("image", 10);
        String tx = deductOk(accountId, key, 1).transactionId();
        String starter = starterPackage();
        String pending = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter).withPending(true))
                .purchase().purchaseId();
        String completed = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, starter)).purchase()
                .purchaseId();
        Purchase completedBefore = ledger().commerce().getPurchase(completed).orElseThrow();

        // reasons
        assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 1).withReason(bad)));
        assertInvalid(accountId, () -> ledger().refundCredits(RefundRequest.of(tx).withReason(bad)));
        assertInvalid(accountId, () -> ledger().refundCredits(tx, bad, null));
        assertInvalid(accountId, () -> ledger().commerce().failPurchase(pending, bad));
        assertInvalid(accountId, () -> ledger().commerce().clawBackPurchase(completed, 10, bad));
        assertInvalid(accountId, () -> ledger().commerce().disputePurchase(completed, 10, bad));
        assertInvalid(accountId, () -> ledger().commerce().resolveDispute(completed, 10, false, bad));
        assertEquals(PurchaseStatus.PENDING, ledger().commerce().getPurchase(pending).orElseThrow().status());
        assertEquals(completedBefore, ledger().commerce().getPurchase(completed).orElseThrow());

        // metadata keys and values
        for (Map<String, String> metadata : List.of(Map.of("note", bad), Map.of(bad, "v"))) {
            assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 1).withMetadata(metadata)));
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key)
                    .withMetadata(metadata)));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, key)
                    .withMetadata(metadata)));
            assertInvalid(accountId, () -> ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, starter)
                    .withMetadata(metadata)));
        }
        assertEquals(List.of(pending, completed), purchaseIds(accountId));

        // names, categories and descriptions of the catalog
        String fresh = newFeatureKey("text");
        for (FeatureDefinition definition : List.of(FeatureDefinition.of(fresh, bad, 1),
                FeatureDefinition.of(fresh, "Fine", 1).withDescription(bad),
                FeatureDefinition.of(fresh, "Fine", 1).withCategory(bad))) {
            assertInvalid(() -> ledger().createFeaturePricing(definition), "create " + definition);
            assertInvalid(() -> ledger().saveFeaturePricing(definition), "save " + definition);
        }
        assertEquals(Optional.empty(), ledger().getFeaturePricing(fresh));
        FeaturePricing existing = ledger().getFeaturePricing(key).orElseThrow();
        assertInvalid(() -> ledger().updateFeaturePricing(FeatureDefinition.of(key, "Image", 10)
                .withDescription(bad)), "update");
        assertEquals(existing, ledger().getFeaturePricing(key).orElseThrow());
        assertInvalid(() -> ledger().listFeaturePricing(bad), "category filter");

        String packageId = uniqueId("pkg");
        assertInvalid(() -> ledger().commerce().savePackage(CreditPackage.of(packageId, bad, 10, usd("1.00"))), "package");
        assertEquals(Optional.empty(), ledger().commerce().getPackage(packageId));
        String planId = uniqueId("plan");
        assertInvalid(() -> ledger().plans().savePlan(Plan.of(planId, bad, 10)), "plan");
        assertEquals(Optional.empty(), ledger().plans().getPlan(planId));
        String code = uniqueId("PROMO");
        assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(code).withBonusCredits(1).withDescription(bad)),
                "promotion");
        assertEquals(Optional.empty(), ledger().commerce().getPromotion(code));

        // Nothing above was refunded: the whole deduction still is.
        assertEquals(10, ledger().refundCredits(RefundRequest.of(tx).withReason("fine")).creditsRefunded());
    }

    @Test
    default void freeTextKeepsOtherControlCharactersAndSupplementaryCharactersExactly() {
        String text = "line 1\nline 2\r\n\ttab \u0001\u001F\u007F\u0085 " + GRINNING + CLEF + " \uFFFD\uFFFF end ";
        String accountId = openFunded(100);
        String key = newFeatureKey("text");
        FeaturePricing feature = ledger().createFeaturePricing(FeatureDefinition.of(key, text, 1)
                .withCategory(text).withDescription(text));
        assertEquals(Optional.of(feature), ledger().getFeaturePricing(key));
        assertTrue(ledger().listFeaturePricing(text).contains(feature));

        GrantResult granted = ledger().grant(GrantRequest.of(accountId, 5).withReason(text)
                .withMetadata(Map.of(text, text)));
        assertEquals(Map.of(text, text), lot(accountId, granted.lot().lotId()).metadata());
        String tx = deductOk(accountId, key, 1).transactionId();
        ledger().refundCredits(RefundRequest.of(tx).withReason(text));
        List<LedgerEntry> entries = entries(accountId);
        assertEquals(text, entries.get(0).reason(), "refund reason");
        assertEquals(text, entries.get(2).reason(), "grant reason");
        assertEquals(Map.of(text, text), entries.get(2).metadata());

        String packageId = uniqueId("pkg");
        CreditPackage creditPackage = CreditPackage.of(packageId, text, 10, usd("1.00"));
        ledger().commerce().savePackage(creditPackage);
        assertEquals(Optional.of(creditPackage), ledger().commerce().getPackage(packageId));
        Promotion promotion = ledger().commerce().savePromotion(Promotion.of(uniqueId("PROMO")).withBonusCredits(1)
                .withDescription(text));
        assertEquals(text, ledger().commerce().getPromotion(promotion.code()).orElseThrow().description());
    }

    // ---------------------------------------------------------------- supplementary characters

    @Test
    default void supplementaryCharactersInIdsAreAcceptedAndKeptApart() {
        String suffix = unique("_");
        String grinning = "acct_" + GRINNING + suffix;
        String beaming = "acct_" + BEAMING + suffix;
        assertEquals(grinning, ledger().openAccount(grinning).accountId());
        assertEquals(beaming, ledger().openAccount(beaming).accountId());
        assertEquals(grinning, ledger().getAccount(grinning).orElseThrow().accountId());
        assertEquals(Optional.empty(), ledger().getAccount("acct_?" + suffix));
        assertEquals(Optional.empty(), ledger().getAccount("acct_??" + suffix));

        String key = feature("image", 1);
        String idempotencyKey = "key-" + GRINNING + CLEF;
        Map<String, String> metadata = Map.of(GRINNING, CLEF + " and " + BEAMING);
        GrantResult granted = ledger().grant(GrantRequest.of(grinning, 7).withIdempotencyKey(idempotencyKey)
                .withReason(GRINNING).withMetadata(metadata));
        grant(beaming, 3);
        assertEquals(7, available(grinning));
        assertEquals(3, available(beaming));
        assertEquals(metadata, lot(grinning, granted.lot().lotId()).metadata());
        assertTrue(ledger().grant(GrantRequest.of(grinning, 7).withIdempotencyKey(idempotencyKey)
                .withReason(GRINNING).withMetadata(metadata)).replayed());
        assertFalse(ledger().grant(GrantRequest.of(grinning, 1).withIdempotencyKey("key-" + BEAMING + CLEF))
                .replayed(), "another emoji is another key");

        String user = "user_" + GRINNING;
        assertTrue(ledger().deductCredits(DeductRequest.of(grinning, key).withUserId(user)).success());
        assertTrue(ledger().deductCredits(DeductRequest.of(grinning, key).withUserId("user_" + BEAMING)).success());
        List<LedgerEntry> ofUser = ledger().history(grinning, HistoryFilter.all().withUserId(user),
                PageRequest.first()).entries();
        assertEquals(1, ofUser.size());
        assertEquals(user, ofUser.get(0).userId());
        assertEquals(grinning, ofUser.get(0).accountId());
        Hold hold = ledger().reserve(ReserveRequest.of(grinning, key).withUserId(user)).hold();
        assertEquals(user, ledger().getHold(hold.holdId()).orElseThrow().userId());
        assertEquals(grinning, ledger().getHold(hold.holdId()).orElseThrow().accountId());
        LedgerEntry grantEntry = ledger().receipt(granted.lot().transactionId()).entry();
        assertEquals(idempotencyKey, grantEntry.idempotencyKey());
        assertEquals(GRINNING, grantEntry.reason());
        assertEquals(metadata, grantEntry.metadata());

        // The longest ids: 128 UTF-16 characters that are 64 characters of 4 bytes each in UTF-8.
        String longest = unique(GRINNING.repeat(56));
        assertEquals(128, longest.length());
        ledger().openAccount(longest);
        String longestKey = CLEF.repeat(64);
        ledger().grant(GrantRequest.of(longest, 4).withIdempotencyKey(longestKey));
        assertTrue(ledger().grant(GrantRequest.of(longest, 4).withIdempotencyKey(longestKey)).replayed());
        assertTrue(ledger().deductCredits(DeductRequest.of(longest, key).withUserId(BEAMING.repeat(64))).success());
        assertEquals(longest, ledger().getAccount(longest).orElseThrow().accountId());
        assertEquals(BEAMING.repeat(64), entries(longest).get(0).userId());
        assertEquals(3, available(longest));
        assertInvalid(() -> ledger().openAccount(GRINNING.repeat(65)), "129 or more UTF-16 characters");
    }

    @Test
    default void supplementaryCharactersInCatalogAndPurchaseIdsAreAcceptedAndRoundTrip() {
        String accountId = openAccount();
        String packageId = unique("pkg_" + GRINNING);
        CreditPackage creditPackage = CreditPackage.of(packageId, "Starter " + GRINNING, 100, usd("199.00"));
        ledger().commerce().savePackage(creditPackage);
        assertEquals(Optional.of(creditPackage), ledger().commerce().getPackage(packageId));
        assertEquals(Optional.empty(), ledger().commerce().getPackage(packageId.replace(GRINNING, BEAMING)));

        String code = unique("PROMO_" + CLEF);
        ledger().commerce().savePromotion(Promotion.of(code).withBonusCredits(5).withPackageIds(Set.of(packageId))
                .withDescription(CLEF));
        assertEquals(Set.of(packageId), ledger().commerce().getPromotion(code).orElseThrow().packageIds());

        String planId = unique("plan_" + GRINNING);
        Plan plan = Plan.of(planId, "Plan " + GRINNING, 10);
        ledger().plans().savePlan(plan);
        assertEquals(Optional.of(plan), ledger().plans().getPlan(planId));
        String featureKey = newFeatureKey("image");
        FeaturePricing feature = ledger().createFeaturePricing(FeatureDefinition.of(featureKey, "Image", 5)
                .withPlanPrice(planId, 2));
        assertEquals(Map.of(planId, 2L), ledger().getFeaturePricing(featureKey).orElseThrow().planPrices());
        assertEquals(Optional.of(feature), ledger().getFeaturePricing(featureKey));

        String purchaseId = unique("pi_" + GRINNING);
        String reference = "ch_" + CLEF;
        Purchase bought = purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, packageId)
                .withPromotionCode(code).withPurchaseId(purchaseId).withPaymentReference(reference)
                .withMetadata(Map.of("order", GRINNING))).purchase();
        Purchase read = ledger().commerce().getPurchase(purchaseId).orElseThrow();
        assertEquals(bought, read);
        assertEquals(packageId, read.packageId());
        assertEquals(code, read.promotionCode());
        assertEquals(reference, read.paymentReference());
        assertEquals(105, available(accountId));
        assertEquals(1, uses(code));
        assertTrue(ledger().commerce().purchase(PurchaseRequest.ofPackage(accountId, packageId).withPromotionCode(code)
                .withPurchaseId(purchaseId).withPaymentReference(reference)).replayed());

        ledger().plans().assignPlan(accountId, planId);
        assertEquals(planId, ledger().getAccount(accountId).orElseThrow().planId());
        assertEquals(2, ledger().deductCredits(accountId, featureKey).creditsDeducted());
    }

    // ---------------------------------------------------------------- instants

    @Test
    default void instantsOutsideTheRangeAreRejected() {
        String accountId = openAccount();
        String planId = uniqueId("plan");
        ledger().plans().savePlan(Plan.of(planId, "Plan", 10));
        ledger().plans().assignPlan(accountId, planId);
        List<Instant> future = List.of(Instant.parse("+300000-01-01T00:00:00Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), LAST_INSTANT.plusMillis(1), Instant.MAX);
        List<Instant> past = List.of(Instant.parse("-300000-01-01T00:00:00Z"), Instant.parse("-5000-06-01T00:00:00Z"),
                FIRST_INSTANT.minusMillis(1), FIRST_INSTANT.minusNanos(1), Instant.MIN);
        for (Instant far : future) {
            assertInvalid(accountId, () -> grantExpiring(accountId, 10, far));
            assertInvalid(accountId, () -> ledger().plans().startPeriod(accountId, START, far));
            assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(uniqueId("P")).withBonusCredits(1)
                    .withWindow(START, far)), "validUntil " + far);
            assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(uniqueId("P")).withBonusCredits(1)
                    .withWindow(far, null)), "validFrom " + far);
        }
        for (Instant far : past) {
            assertInvalid(accountId, () -> ledger().plans().startPeriod(accountId, far, START.plusSeconds(60)));
            assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(uniqueId("P")).withBonusCredits(1)
                    .withWindow(far, START)), "validFrom " + far);
            assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(uniqueId("P")).withBonusCredits(1)
                    .withWindow(null, far)), "validUntil " + far);
        }
        String code = uniqueId("P");
        assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(code).withBonusCredits(1)
                .withWindow(Instant.MIN, Instant.MAX)), "an unbounded window is null, null");
        assertEquals(Optional.empty(), ledger().commerce().getPromotion(code));
        assertEquals(null, ledger().getAccount(accountId).orElseThrow().periodStart());
        assertEquals(0, available(accountId));
    }

    @Test
    default void instantsAtTheEndsOfTheRangeRoundTripToTheMillisecond() {
        String accountId = openAccount();
        Lot last = grantExpiring(accountId, 10, LAST_INSTANT).lot();
        assertEquals(LAST_INSTANT, last.expiresAt());
        assertEquals(LAST_INSTANT, lot(accountId, last.lotId()).expiresAt());
        assertEquals(LAST_INSTANT, balance(accountId).nextExpiry());
        // Finer than a millisecond is dropped (towards the past) before any store sees it.
        Instant fine = START.plus(Duration.ofDays(1)).plusNanos(123_456_789);
        Lot truncated = grantExpiring(accountId, 10, fine).lot();
        assertEquals(START.plus(Duration.ofDays(1)).plusMillis(123), truncated.expiresAt());
        assertEquals(truncated.expiresAt(), lot(accountId, truncated.lotId()).expiresAt());
        assertEquals(truncated, lot(accountId, truncated.lotId()));
        // Just past the end, but the same millisecond: accepted as the last instant.
        assertEquals(LAST_INSTANT, grantExpiring(accountId, 1, LAST_INSTANT.plusNanos(999_999)).lot().expiresAt());

        Promotion saved = ledger().commerce().savePromotion(Promotion.of(uniqueId("P")).withBonusCredits(1)
                .withWindow(FIRST_INSTANT.plusNanos(999_999), LAST_INSTANT));
        assertEquals(FIRST_INSTANT, saved.validFrom());
        assertEquals(LAST_INSTANT, saved.validUntil());
        assertEquals(Optional.of(saved), ledger().commerce().getPromotion(saved.code()));

        String planId = uniqueId("plan");
        ledger().plans().savePlan(Plan.of(planId, "Plan", 10));
        ledger().plans().assignPlan(accountId, planId);
        PeriodResult period = ledger().plans().startPeriod(accountId, FIRST_INSTANT, LAST_INSTANT);
        assertEquals(PeriodResult.Status.STARTED, period.status());
        assertEquals(FIRST_INSTANT, ledger().getAccount(accountId).orElseThrow().periodStart());
        assertEquals(LAST_INSTANT, ledger().getAccount(accountId).orElseThrow().periodEnd());
        assertInvariants(accountId);
    }

    @Test
    default void aClockOutsideTheRangeIsRejected() {
        for (Instant far : List.of(Instant.parse("+300000-01-01T00:00:00Z"), Instant.parse("-0001-01-01T00:00:00Z"))) {
            CreditLedger outOfRange = newLedger(builder -> builder.clock(new MutableClock(far)));
            String accountId = newAccountId();
            assertInvalid(() -> outOfRange.openAccount(accountId), "clock at " + far);
            assertEquals(Optional.empty(), ledger().getAccount(accountId));
            String existing = openFunded(10);
            assertInvalid(existing, () -> outOfRange.grant(GrantRequest.of(existing, 5)));
        }
    }

    // ---------------------------------------------------------------- money

    @Test
    default void moneyBeyond18DecimalsOr20IntegerDigitsIsRejected() {
        Currency usd = Currency.getInstance("USD");
        for (String bad : List.of("0.1234567890123456789", "1.5000000000000000000", "123456789012345678901",
                "100000000000000000000", "1E+20", "99999999999999999999.9999999999999999999")) {
            assertInvalid(() -> Money.of(bad, "USD"), "Money.of " + bad);
            assertInvalid(() -> new Money(new BigDecimal(bad), usd), "new Money " + bad);
        }
        String code = uniqueId("P");
        assertInvalid(() -> ledger().commerce().savePromotion(Promotion.of(code)
                .withPercentOff(new BigDecimal("10.0000000000000000001"))), "percentOff with 19 decimals");
        assertEquals(Optional.empty(), ledger().commerce().getPromotion(code));

        // A price computed from valid money that does not fit is rejected too, on quote and purchase alike.
        CreditLedger shop = shop(PurchasePolicy.DEFAULT.withCreditRate(usd("99999999999999999999")));
        String accountId = openAccount();
        assertInvalid(accountId, () -> shop.commerce().quote(PurchaseRequest.ofCredits(accountId, 10)));
        assertInvalid(accountId, () -> shop.commerce().purchase(PurchaseRequest.ofCredits(accountId, 10)));
        assertEquals(List.of(), purchaseIds(accountId));
        assertEquals(0, shop.commerce().purchase(PurchaseRequest.ofCredits(accountId, 1)).quote().listPrice().amount()
                .compareTo(new BigDecimal("99999999999999999999")));
    }

    @Test
    default void moneyAtTheLimitsRoundTripsWithItsScale() {
        String accountId = openAccount();
        for (String amount : List.of("99999999999999999999.999999999999999999", "0.000000000000000001", "1E+3",
                "1E+19", "19.990", "0", "0.00")) {
            Money money = Money.of(amount, "EUR");
            Lot granted = ledger().grant(GrantRequest.of(accountId, 1).withMoneyPaid(money)).lot();
            assertEquals(money, granted.moneyPaid());
            assertEquals(money, lot(accountId, granted.lotId()).moneyPaid(), "read back " + amount);
            String packageId = uniqueId("pkg");
            CreditPackage creditPackage = CreditPackage.of(packageId, "P", 1, money);
            ledger().commerce().savePackage(creditPackage);
            assertEquals(Optional.of(creditPackage), ledger().commerce().getPackage(packageId), "package " + amount);
        }
        Promotion saved = ledger().commerce().savePromotion(Promotion.of(uniqueId("P"))
                .withPercentOff(new BigDecimal("12.345678901234567890"))
                .withAmountOff(Money.of("0.000000000000000001", "USD")));
        assertEquals(Optional.of(saved), ledger().commerce().getPromotion(saved.code()));
    }

    // ---------------------------------------------------------------- unbounded filters

    @Test
    default void historyBoundsOutsideTheRangeMeanUnbounded() {
        String accountId = openFunded(10);
        advance(Duration.ofSeconds(1));
        grant(accountId, 1);
        advance(Duration.ofSeconds(1));
        grant(accountId, 2);
        List<LedgerEntry> all = history(accountId, HistoryFilter.all());
        assertEquals(3, all.size());

        List<HistoryFilter> unbounded = new ArrayList<>();
        for (Instant from : new Instant[]{null, Instant.MIN, Instant.parse("-300000-01-01T00:00:00Z"),
                FIRST_INSTANT.minusNanos(1), FIRST_INSTANT}) {
            for (Instant to : new Instant[]{null, Instant.MAX, Instant.parse("+300000-01-01T00:00:00Z"),
                    LAST_INSTANT.plusMillis(1), LAST_INSTANT}) {
                unbounded.add(HistoryFilter.all().withFrom(from).withTo(to));
            }
        }
        for (HistoryFilter filter : unbounded) {
            assertEquals(all, history(accountId, filter), filter::toString);
        }
        for (HistoryFilter empty : List.of(HistoryFilter.all().withFrom(Instant.MAX),
                HistoryFilter.all().withFrom(Instant.parse("+300000-01-01T00:00:00Z")),
                HistoryFilter.all().withTo(Instant.MIN), HistoryFilter.all().withTo(FIRST_INSTANT),
                HistoryFilter.all().withTo(Instant.parse("-300000-01-01T00:00:00Z")),
                HistoryFilter.all().withFrom(Instant.MAX).withTo(Instant.MIN),
                HistoryFilter.all().withFrom(START.plusSeconds(2)).withTo(START))) {
            assertEquals(List.of(), history(accountId, empty), empty::toString);
        }
        assertEquals(List.of(), ledger().history(accountId, HistoryFilter.all().withFrom(Instant.MAX),
                PageRequest.first(1)).entries());
        assertEquals(null, ledger().history(accountId, HistoryFilter.all().withFrom(Instant.MAX),
                PageRequest.first(1)).nextCursor());
    }

    @Test
    default void historyBoundsFinerThanAMillisecondAgreeOnEveryStore() {
        String accountId = openFunded(10);
        Instant t = now();
        // [t + 1 ns, ...) starts after the entry at t; [..., t + 1 ns) ends after it.
        assertEquals(List.of(), history(accountId, HistoryFilter.all().withFrom(t.plusNanos(1))));
        assertEquals(List.of(), history(accountId, HistoryFilter.all().withFrom(t.plusNanos(1_000))));
        assertEquals(List.of(), history(accountId, HistoryFilter.all().withFrom(t.plusNanos(999_999))));
        assertEquals(1, history(accountId, HistoryFilter.all().withTo(t.plusNanos(1))).size());
        assertEquals(1, history(accountId, HistoryFilter.all().withTo(t.plusNanos(1_000))).size());
        assertEquals(1, history(accountId, HistoryFilter.all().withFrom(t.minusNanos(1)).withTo(t.plusNanos(1)))
                .size());
        assertEquals(List.of(), history(accountId, HistoryFilter.all().withTo(t)));
        assertEquals(List.of(), history(accountId, HistoryFilter.all().withFrom(t.plusNanos(1))
                .withTo(t.plusNanos(2))));
    }

    private List<LedgerEntry> history(String accountId, HistoryFilter filter) {
        return ledger().history(accountId, filter, PageRequest.first(PageRequest.MAX_LIMIT)).entries();
    }
}
