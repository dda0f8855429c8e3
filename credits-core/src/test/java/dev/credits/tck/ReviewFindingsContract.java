package dev.credits.tck;

import dev.credits.CreditPackage;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.EntryType;
import dev.credits.LedgerEntry;
import dev.credits.Purchase;
import dev.credits.PurchaseRequest;
import dev.credits.ReservationResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Period;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Findings of review2: each test states a rule of DESIGN.md / the README that the core breaks today.
 */
public interface ReviewFindingsContract extends CommerceFixture {

    /** Buys a one-month package of 100 credits. @return the purchase */
    private Purchase buyMonthly(String accountId) {
        String monthly = uniqueId("month");
        ledger().savePackage(CreditPackage.of(monthly, "One month", 100, CommerceFixture.usd("20.00"))
                .withValidity(Period.ofMonths(1)));
        return purchaseOk(ledger(), PurchaseRequest.ofPackage(accountId, monthly)
                .withPurchaseId(uniqueId("pi"))).purchase();
    }

    /** Per grant: CLAWBACK + EXPIRY entries referencing it never take more than it granted. */
    private void assertGrantsNotOverTaken(String accountId) {
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
                    + " lost " + taken + " to clawbacks and expiry");
        }
    }

    /**
     * A refund arrives while the purchase's credits are held by work in flight; the work fails (release). The
     * clawback booked the held credits as debt, the release puts them back on the purchase lot, and when the lot
     * expires they expire too: the user lost 200 credits for a 100-credit purchase of which nothing was spent.
     */
    @Test
    default void review2_aClawbackOfHeldCreditsThenReleaseThenExpiryTakesTheGrantOnce() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyMonthly(accountId);
        ReservationResult hold = ledger().reserve(accountId, key, 100, Duration.ofMinutes(5));
        assertTrue(hold.success());

        ledger().clawBackPurchase(purchase.purchaseId(), 100, "refunded");
        ledger().release(hold.hold().holdId());
        assertEquals(0, available(accountId), "refunded and nothing spent: nothing left, nothing owed");

        clock().set(FEB);
        ledger().expireDue();

        assertEquals(0, available(accountId), "a refunded, unspent purchase must not leave debt once it expires");
        assertGrantsNotOverTaken(accountId);
    }

    /** Same with a deduction refunded (refundCredits) after the payment was refunded. */
    @Test
    default void review2_aClawbackThenADeductionRefundThenExpiryTakesTheGrantOnce() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyMonthly(accountId);
        DeductionResult spent = deductOk(accountId, key, 100);

        ledger().clawBackPurchase(purchase.purchaseId(), 100, "refunded");
        ledger().refundCredits(spent.transactionId(), "generation failed", null);
        assertEquals(0, available(accountId));

        clock().set(FEB);
        ledger().expireDue();

        assertEquals(0, available(accountId), "a refunded, unspent purchase must not leave debt once it expires");
        assertGrantsNotOverTaken(accountId);
    }

    /**
     * A free retry is free whatever its quantity: a retry of a 1-unit generation with quantity 50 costs nothing.
     * A retry should redo the original work, so at most the original's quantity is free.
     */
    @Test
    default void review2_aFreeRetryIsFreeOnlyUpToTheOriginalsQuantity() {
        String accountId = openFunded(1_000);
        String key = newFeatureKey("generation");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Generation", 10).withFreeRetries(2));
        DeductionResult original = deductOk(accountId, key, 1);
        assertEquals(10, original.creditsDeducted());

        DeductionResult retry = ledger().deductCredits(DeductRequest.of(accountId, key).withQuantity(50)
                .withRetryOf(original.transactionId()));

        assertTrue(retry.success());
        assertEquals(490, retry.creditsDeducted(), "only the original's 1 unit is free; 49 more units cost 490");
    }
}
