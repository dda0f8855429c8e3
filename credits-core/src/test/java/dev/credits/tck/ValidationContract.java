package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.HistoryFilter;
import dev.credits.InvalidArgumentException;
import dev.credits.LotSource;
import dev.credits.PageRequest;
import dev.credits.RefundRequest;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule 2: malformed input is an {@link InvalidArgumentException} and changes nothing. */
public interface ValidationContract extends ContractFixture {

    private static String chars(int length) {
        return "x".repeat(length);
    }

    /** Asserts {@code call} throws InvalidArgumentException and leaves the account as it was. */
    private void assertInvalid(String accountId, Executable call) {
        assertThrowsUnchanged(InvalidArgumentException.class, accountId, call);
    }

    @Test
    default void malformedAccountIdsAreRejected() {
        String key = feature("image", 1);
        for (String bad : Arrays.asList(null, "", "   ", chars(129))) {
            String what = "account id '" + bad + "'";
            assertThrows(InvalidArgumentException.class, () -> ledger().openAccount(bad), what);
            assertThrows(InvalidArgumentException.class, () -> ledger().getAccount(bad), what);
            assertThrows(InvalidArgumentException.class, () -> grant(bad, 10), what);
            assertThrows(InvalidArgumentException.class, () -> ledger().deductCredits(bad, key), what);
            assertThrows(InvalidArgumentException.class, () -> ledger().checkCredits(bad, key), what);
            assertThrows(InvalidArgumentException.class, () -> ledger().reserve(ReserveRequest.of(bad, key)), what);
            assertThrows(InvalidArgumentException.class, () -> ledger().balance(bad), what);
            assertThrows(InvalidArgumentException.class,
                    () -> ledger().history(bad, HistoryFilter.all(), PageRequest.first()), what);
        }
        String fresh = newAccountId();
        String longest = fresh + chars(128 - fresh.length());
        ledger().openAccount(longest);
        assertEquals(longest, ledger().getAccount(longest).orElseThrow().accountId());
    }

    @Test
    default void malformedIdempotencyKeysAreRejected() {
        String accountId = openFunded(100);
        String key = feature("image", 1);
        String tx = deductOk(accountId, key, 5).transactionId();
        for (String bad : List.of("", "  ", chars(129))) {
            assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 1).withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key)
                    .withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, key).withIdempotencyKey(bad)));
            assertInvalid(accountId, () -> ledger().refundCredits(RefundRequest.of(tx).withIdempotencyKey(bad)));
        }
        assertTrue(ledger().deductCredits(DeductRequest.of(accountId, key).withIdempotencyKey(chars(128))).success());
    }

    @Test
    default void malformedUserIdsAreRejected() {
        String accountId = openFunded(100);
        String key = feature("image", 1);
        for (String bad : List.of("", "  ", chars(129))) {
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key).withUserId(bad)));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, key).withUserId(bad)));
        }
        assertTrue(ledger().deductCredits(DeductRequest.of(accountId, key).withUserId(chars(128))).success());
    }

    @Test
    default void malformedFeatureKeysAreRejected() {
        String accountId = openFunded(100);
        List<String> bad = Arrays.asList(null, "", "Image", "1image", "image-hd", "image__hd", "_image", "image_",
                "image hd", "imäge", "a" + chars(128).replace('x', 'b'));
        for (String featureKey : bad) {
            String what = "feature key '" + featureKey + "'";
            assertThrows(InvalidArgumentException.class,
                    () -> ledger().createFeaturePricing(FeatureDefinition.of(featureKey, "Bad", 1)), what);
            assertThrows(InvalidArgumentException.class,
                    () -> ledger().saveFeaturePricing(FeatureDefinition.of(featureKey, "Bad", 1)), what);
            assertInvalid(accountId, () -> ledger().deductCredits(accountId, featureKey));
            assertInvalid(accountId, () -> ledger().checkCredits(accountId, featureKey));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, featureKey)));
        }
        String longest = newFeatureKey("k") + "_" + chars(128).replace('x', 'z');
        String valid128 = longest.substring(0, 128);
        ledger().createFeaturePricing(FeatureDefinition.of(valid128, "Longest", 1));
        String digits = newFeatureKey("v2") + "_4k_2x";
        ledger().createFeaturePricing(FeatureDefinition.of(digits, "Digits", 1));
        assertTrue(ledger().getFeaturePricing(valid128).isPresent());
        assertTrue(ledger().deductCredits(accountId, digits).success());
    }

    @Test
    default void malformedCreditTypesAreRejected() {
        String accountId = openFunded(100);
        for (String bad : Arrays.asList(null, "", "Voice", "voice-minutes", "9voice", "v".repeat(65))) {
            assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 1).withCreditType(bad)));
            if (bad != null) { // a feature without a credit type is in the default one (JSON bodies leave it out)
                assertThrows(InvalidArgumentException.class, () -> ledger().createFeaturePricing(
                        FeatureDefinition.of(newFeatureKey("bad"), "Bad", 1).withCreditType(bad)));
            }
            assertThrows(InvalidArgumentException.class, () -> ledger().balance(accountId, bad));
        }
        assertEquals(CreditLedger.DEFAULT_CREDIT_TYPE, ledger().createFeaturePricing(
                FeatureDefinition.of(newFeatureKey("untyped"), "Untyped", 1).withCreditType(null)).creditType());
        String longest = "v".repeat(64);
        ledger().grant(GrantRequest.of(accountId, 3).withCreditType(longest));
        assertEquals(3, ledger().balance(accountId, longest).total());
    }

    @Test
    default void grantAmountsOutOfRangeAreRejected() {
        String accountId = openAccount();
        for (long amount : new long[]{0, -1, CreditLedger.MAX_CREDITS + 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertInvalid(accountId, () -> grant(accountId, amount));
        }
        grant(accountId, CreditLedger.MAX_CREDITS);
        assertEquals(CreditLedger.MAX_CREDITS, available(accountId));
    }

    @Test
    default void quantitiesOutOfRangeAreRejected() {
        String accountId = openFunded(100);
        String key = feature("image", 1);
        String holdId = ledger().reserve(ReserveRequest.of(accountId, key)).hold().holdId();
        for (long quantity : new long[]{0, -1, CreditLedger.MAX_CREDITS + 1}) {
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key)
                    .withQuantity(quantity)));
            assertInvalid(accountId, () -> ledger().checkCredits(accountId, key, quantity));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, key).withQuantity(quantity)));
            assertInvalid(accountId, () -> ledger().commitQuantity(holdId, quantity));
        }
    }

    @Test
    default void pricesAndCostsAboveTheMaximumAreRejected() {
        String accountId = openFunded(100);
        String pricey = feature("pricey", 1_000_000_000_000L);
        String priciest = feature("priciest", CreditLedger.MAX_CREDITS);
        for (DeductRequest request : List.of(DeductRequest.of(accountId, pricey).withQuantity(1001),
                DeductRequest.of(accountId, priciest).withQuantity(10_000))) {
            assertInvalid(accountId, () -> ledger().deductCredits(request));
            assertInvalid(accountId, () -> ledger().checkCredits(accountId, request.featureKey(), request.quantity()));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, request.featureKey())
                    .withQuantity(request.quantity())));
        }
        for (long price : new long[]{-1, CreditLedger.MAX_CREDITS + 1}) {
            String key = newFeatureKey("bad");
            assertThrows(InvalidArgumentException.class,
                    () -> ledger().createFeaturePricing(FeatureDefinition.of(key, "Bad", price)));
            assertEquals(Optional.empty(), ledger().getFeaturePricing(key));
        }
    }

    @Test
    default void grantExpiryMustBeInTheFuture() {
        String accountId = openAccount();
        assertInvalid(accountId, () -> grantExpiring(accountId, 10, now()));
        assertInvalid(accountId, () -> grantExpiring(accountId, 10, now().minusSeconds(1)));
        assertEquals(now().plusMillis(1), grantExpiring(accountId, 10, now().plusMillis(1)).lot().expiresAt());
    }

    @Test
    default void theOverdraftLotCannotBeGranted() {
        String accountId = openAccount();
        assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 10).withSource(LotSource.OVERDRAFT)));
        assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 10).withSource(null)));
    }

    @Test
    default void reserveTimeoutsOutOfRangeAreRejected() {
        String accountId = openFunded(100);
        String key = feature("render", 1);
        for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofHours(24).plusMillis(1))) {
            assertInvalid(accountId, () -> ledger().reserve(accountId, key, 1, timeout));
        }
        assertEquals(now().plus(Duration.ofHours(24)),
                ledger().reserve(accountId, key, 1, Duration.ofHours(24)).hold().expiresAt());
    }

    @Test
    default void historyLimitsAndCursorsAreValidated() {
        String accountId = openFunded(100);
        for (int limit : new int[]{0, -1, PageRequest.MAX_LIMIT + 1}) {
            assertThrows(InvalidArgumentException.class,
                    () -> ledger().history(accountId, HistoryFilter.all(), PageRequest.first(limit)), "limit " + limit);
        }
        for (String cursor : List.of("garbage", "", "s", "s0", "s-1", "sabc", "12")) {
            assertThrows(InvalidArgumentException.class,
                    () -> ledger().history(accountId, HistoryFilter.all(), new PageRequest(cursor, 10)),
                    "cursor '" + cursor + "'");
        }
        assertEquals(1, ledger().history(accountId, HistoryFilter.all(), PageRequest.first(1)).entries().size());
        assertEquals(1, ledger().history(accountId, HistoryFilter.all(), PageRequest.first(1000)).entries().size());
    }

    @Test
    default void metadataIsLimited() {
        String accountId = openFunded(100);
        String key = feature("image", 1);
        List<Map<String, String>> bad = new ArrayList<>();
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            tooMany.put("k" + i, "v");
        }
        bad.add(tooMany);
        bad.add(Map.of("", "v"));
        bad.add(Map.of(chars(129), "v"));
        bad.add(Map.of("k", chars(2049)));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        bad.add(nullValue);
        for (Map<String, String> metadata : bad) {
            assertInvalid(accountId, () -> ledger().grant(GrantRequest.of(accountId, 1).withMetadata(metadata)));
            assertInvalid(accountId, () -> ledger().deductCredits(DeductRequest.of(accountId, key)
                    .withMetadata(metadata)));
            assertInvalid(accountId, () -> ledger().reserve(ReserveRequest.of(accountId, key).withMetadata(metadata)));
        }
        Map<String, String> largest = new HashMap<>();
        for (int i = 0; i < 63; i++) {
            largest.put("k" + i, "v");
        }
        largest.put(chars(128), chars(2048));
        assertEquals(largest, ledger().grant(GrantRequest.of(accountId, 1).withMetadata(largest)).lot().metadata());
    }

    @Test
    default void nullRequestsAndSettingsAreRejected() {
        String accountId = openFunded(100);
        String tx = deductOk(accountId, feature("image", 1), 5).transactionId();
        assertInvalid(accountId, () -> ledger().grant(null));
        assertInvalid(accountId, () -> ledger().deductCredits((DeductRequest) null));
        assertInvalid(accountId, () -> ledger().reserve((ReserveRequest) null));
        assertInvalid(accountId, () -> ledger().refundCredits((RefundRequest) null));
        assertInvalid(accountId, () -> ledger().refundCredits(RefundRequest.of(null)));
        assertInvalid(accountId, () -> ledger().refundCredits(RefundRequest.of(tx).withCredits(-1)));
        assertInvalid(accountId, () -> ledger().openAccount(newAccountId(), null));
        assertInvalid(accountId, () -> ledger().updateAccountSettings(accountId, null));
        assertInvalid(accountId, () -> ledger().updateAccountSettings(accountId, new AccountSettings(-1, 0)));
        assertInvalid(accountId, () -> ledger().updateAccountSettings(accountId, new AccountSettings(0, -1)));
        assertThrows(InvalidArgumentException.class, () -> ledger().createFeaturePricing(null));
        assertThrows(InvalidArgumentException.class, () -> ledger().updateFeaturePricing(null));
        assertThrows(InvalidArgumentException.class, () -> ledger().saveFeaturePricing(null));
        assertThrows(InvalidArgumentException.class,
                () -> ledger().createFeaturePricing(FeatureDefinition.of(newFeatureKey("noname"), " ", 1)));
    }
}
