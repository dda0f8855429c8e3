package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.CheckResult;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.DuplicateFeatureException;
import dev.credits.EntryType;
import dev.credits.FeatureDefinition;
import dev.credits.FeaturePricing;
import dev.credits.LedgerEntry;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownFeatureException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule 3: the price list, and what a deduction records of the price it charged. */
public interface PricingContract extends ContractFixture {

    /** @return the listed features whose keys are among {@code keys}, in listed order */
    private List<String> listedAmong(List<FeaturePricing> listed, Set<String> keys) {
        return listed.stream().map(FeaturePricing::featureKey).filter(keys::contains).collect(Collectors.toList());
    }

    @Test
    default void createFeaturePricingStoresEveryField() {
        String key = newFeatureKey("voice_call");
        FeatureDefinition definition = FeatureDefinition.of(key, "Voice call", 7)
                .withCategory("calls")
                .withCreditType("voice")
                .withDescription("One minute of a voice call");

        FeaturePricing created = ledger().createFeaturePricing(definition);

        assertEquals(new FeaturePricing(key, "Voice call", "calls", 7, Map.of(), 0, "voice", "One minute of a voice call", true,
                now(), now()), created);
        assertEquals(Optional.of(created), ledger().getFeaturePricing(key));
        assertEquals(Optional.empty(), ledger().getFeaturePricing(newFeatureKey("absent")));
    }

    @Test
    default void createFeaturePricingRejectsAnExistingKey() {
        String key = newFeatureKey("image");
        FeaturePricing original = ledger().createFeaturePricing(FeatureDefinition.of(key, "Image", 5));
        advance(Duration.ofSeconds(1));

        assertThrows(DuplicateFeatureException.class,
                () -> ledger().createFeaturePricing(FeatureDefinition.of(key, "Other", 9)));

        assertEquals(Optional.of(original), ledger().getFeaturePricing(key));
    }

    @Test
    default void updateFeaturePricingKeepsCreatedAtAndStampsUpdatedAt() {
        String key = newFeatureKey("image");
        FeaturePricing original = ledger().createFeaturePricing(FeatureDefinition.of(key, "Image", 5));
        Instant later = advance(Duration.ofHours(2));

        FeaturePricing updated = ledger().updateFeaturePricing(FeatureDefinition.of(key, "Image HD", 8)
                .withCategory("image"));

        assertEquals(original.createdAt(), updated.createdAt());
        assertEquals(later, updated.updatedAt());
        assertEquals("Image HD", updated.featureName());
        assertEquals(8, updated.creditsPerUnit());
        assertEquals("image", updated.category());
        assertEquals(Optional.of(updated), ledger().getFeaturePricing(key));
    }

    @Test
    default void updateFeaturePricingOfAnAbsentFeatureThrows() {
        String key = newFeatureKey("absent");

        assertThrows(UnknownFeatureException.class,
                () -> ledger().updateFeaturePricing(FeatureDefinition.of(key, "Absent", 1)));
        assertThrows(UnknownFeatureException.class, () -> ledger().deactivateFeaturePricing(key));

        assertEquals(Optional.empty(), ledger().getFeaturePricing(key), "updating an absent feature created it");
    }

    @Test
    default void saveFeaturePricingCreatesThenUpdates() {
        String key = newFeatureKey("staging");

        FeaturePricing created = ledger().saveFeaturePricing(FeatureDefinition.of(key, "Staging", 20));
        Instant later = advance(Duration.ofMinutes(3));
        FeaturePricing updated = ledger().saveFeaturePricing(FeatureDefinition.of(key, "Staging", 25));

        assertEquals(20, created.creditsPerUnit());
        assertEquals(now().minus(Duration.ofMinutes(3)), created.createdAt());
        assertEquals(created.createdAt(), updated.createdAt());
        assertEquals(later, updated.updatedAt());
        assertEquals(25, updated.creditsPerUnit());
        assertEquals(Optional.of(updated), ledger().getFeaturePricing(key));
    }

    @Test
    default void deactivatedFeatureIsRejectedByCheckDeductAndReserve() {
        String accountId = openFunded(100);
        String key = feature("image", 5);
        advance(Duration.ofSeconds(1));

        FeaturePricing inactive = ledger().deactivateFeaturePricing(key);
        assertFalse(inactive.active());
        assertEquals(now(), inactive.updatedAt());
        assertFalse(ledger().getFeaturePricing(key).orElseThrow().active());
        AccountState before = state(accountId);

        CheckResult check = ledger().checkCredits(accountId, key);
        DeductionResult deduction = ledger().deductCredits(accountId, key);
        ReservationResult reservation = ledger().reserve(ReserveRequest.of(accountId, key));

        assertFalse(check.hasEnough());
        assertEquals(RejectionReason.INACTIVE_FEATURE, check.reason());
        assertEquals(RejectionReason.INACTIVE_FEATURE, deduction.reason());
        assertFalse(deduction.success());
        assertEquals(RejectionReason.INACTIVE_FEATURE, reservation.reason());
        assertFalse(reservation.success());
        assertUnchanged(before, accountId);

        ledger().updateFeaturePricing(FeatureDefinition.of(key, "Image", 5).withActive(true));
        assertTrue(ledger().deductCredits(accountId, key).success(), "a reactivated feature is still rejected");
    }

    @Test
    default void deleteFeaturePricingReportsWhetherItExistedAndHistoryKeepsTheKey() {
        String accountId = openFunded(100);
        String key = feature("image", 5);
        DeductionResult deduction = deductOk(accountId, key, 2);

        assertTrue(ledger().deleteFeaturePricing(key));
        assertFalse(ledger().deleteFeaturePricing(key));

        assertEquals(Optional.empty(), ledger().getFeaturePricing(key));
        assertEquals(RejectionReason.UNKNOWN_FEATURE, ledger().deductCredits(accountId, key).reason());
        LedgerEntry entry = ledger().receipt(deduction.transactionId()).entry();
        assertEquals(key, entry.featureKey());
        assertEquals(5, entry.unitPrice());
        assertEquals(2, entry.quantity());
    }

    @Test
    default void listFeaturePricingIsOrderedByKeyAndFiltersByCategory() {
        String prefix = newFeatureKey("list");
        String category = "cat-" + prefix;
        String c = prefix + "_c";
        String a = prefix + "_a";
        String b = prefix + "_b";
        ledger().createFeaturePricing(FeatureDefinition.of(c, "C", 3).withCategory(category));
        ledger().createFeaturePricing(FeatureDefinition.of(a, "A", 1).withCategory(category));
        ledger().createFeaturePricing(FeatureDefinition.of(b, "B", 2).withCategory("other-" + prefix));
        Set<String> mine = Set.of(a, b, c);

        List<FeaturePricing> all = ledger().listFeaturePricing();
        List<String> keys = all.stream().map(FeaturePricing::featureKey).collect(Collectors.toList());
        List<String> sorted = keys.stream().sorted().collect(Collectors.toList());
        assertEquals(sorted, keys, "price list not ordered by key");
        assertEquals(List.of(a, b, c), listedAmong(all, mine));

        List<FeaturePricing> inCategory = ledger().listFeaturePricing(category);
        assertEquals(List.of(a, c), inCategory.stream().map(FeaturePricing::featureKey).collect(Collectors.toList()));
        assertEquals(ledger().getFeaturePricing(a).orElseThrow(), inCategory.get(0));
        assertTrue(ledger().listFeaturePricing("none-" + prefix).isEmpty());
    }

    @Test
    default void freeFeatureDeductionSucceedsWithZeroCreditsEvenInDebt() {
        String free = feature("preview", 0);
        String paid = feature("image", 10);
        String empty = openAccount();
        String inDebt = openAccountWithOverdraft(10);
        grant(inDebt, 5);
        deductOk(inDebt, paid, 1);
        assertEquals(-5, available(inDebt));

        for (String accountId : List.of(empty, inDebt)) {
            long before = available(accountId);
            assertTrue(ledger().checkCredits(accountId, free, 3).hasEnough());
            DeductionResult result = ledger().deductCredits(DeductRequest.of(accountId, free).withQuantity(3));
            assertTrue(result.success(), () -> "free feature rejected: " + result);
            assertNull(result.reason());
            assertEquals(0, result.creditsDeducted());
            assertEquals(0, result.required());
            assertEquals(before, result.remainingCredits());
            assertEquals(before, available(accountId));
            assertInvariants(accountId);
        }
        assertEquals(AccountSettings.DEFAULTS.overdraftLimit(), balance(empty).overdraftLimit());
    }

    @Test
    default void deductionRecordsItsPriceAndALaterPriceChangeNeverRewritesIt() {
        String accountId = openFunded(1000);
        String key = feature("image", 7);
        DeductionResult result = deductOk(accountId, key, 3);
        assertEquals(7, result.unitPrice());
        assertEquals(3, result.quantity());
        assertEquals(21, result.creditsDeducted());

        ledger().updateFeaturePricing(FeatureDefinition.of(key, "Image", 11));
        DeductionResult after = deductOk(accountId, key, 3);

        assertEquals(33, after.creditsDeducted());
        LedgerEntry first = ledger().receipt(result.transactionId()).entry();
        assertEquals(EntryType.DEDUCTION, first.type());
        assertEquals(-21, first.amount());
        assertEquals(7, first.unitPrice());
        assertEquals(3, first.quantity());
        LedgerEntry second = ledger().receipt(after.transactionId()).entry();
        assertEquals(11, second.unitPrice());
        assertEquals(List.of(second, first), entries(accountId).subList(0, 2));
        assertEquals(1000 - 21 - 33, available(accountId));
    }
}
