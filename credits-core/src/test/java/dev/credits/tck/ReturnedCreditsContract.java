package dev.credits.tck;

import dev.credits.CreditPackage;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.InvalidArgumentException;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credits that come back to a lot after a clawback (a released hold, a refunded deduction) and retries larger than
 * their original: found by review, each once broken.
 */
public interface ReturnedCreditsContract extends CommerceFixture {

    /** Buys a one-month package of 100 credits. @return the purchase */
    private Purchase buyMonthly(String accountId) {
        String monthly = uniqueId("month");
        ledger().commerce().savePackage(CreditPackage.of(monthly, "One month", 100, CommerceFixture.usd("20.00"))
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
    default void aClawbackOfHeldCreditsThenReleaseThenExpiryTakesTheGrantOnce() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyMonthly(accountId);
        ReservationResult hold = ledger().reserve(accountId, key, 100, Duration.ofMinutes(5));
        assertTrue(hold.success());

        ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded");
        ledger().release(hold.hold().holdId());
        assertEquals(0, available(accountId), "refunded and nothing spent: nothing left, nothing owed");

        clock().set(FEB);
        ledger().expireDue();

        assertEquals(0, available(accountId), "a refunded, unspent purchase must not leave debt once it expires");
        assertGrantsNotOverTaken(accountId);
    }

    /** Same with a deduction refunded (refundCredits) after the payment was refunded. */
    @Test
    default void aClawbackThenADeductionRefundThenExpiryTakesTheGrantOnce() {
        String accountId = openAccount();
        String key = feature("unit", 1);
        Purchase purchase = buyMonthly(accountId);
        DeductionResult spent = deductOk(accountId, key, 100);

        ledger().commerce().clawBackPurchase(purchase.purchaseId(), 100, "refunded");
        ledger().refundCredits(spent.transactionId(), "generation failed", null);
        assertEquals(0, available(accountId));

        clock().set(FEB);
        ledger().expireDue();

        assertEquals(0, available(accountId), "a refunded, unspent purchase must not leave debt once it expires");
        assertGrantsNotOverTaken(accountId);
    }

    /**
     * A retry redoes the original: it may not use more units than the original had (else one cheap original
     * would unlock free runs of any size). Rejected, and nothing changes.
     */
    @Test
    default void aRetryMayNotUseMoreUnitsThanItsOriginal() {
        String accountId = openFunded(1_000);
        String key = newFeatureKey("generation");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Generation", 10).withFreeRetries(2));
        DeductionResult original = deductOk(accountId, key, 1);
        assertEquals(10, original.creditsDeducted());

        assertThrows(InvalidArgumentException.class, () -> ledger().deductCredits(DeductRequest.of(accountId, key)
                .withQuantity(50).withRetryOf(original.transactionId())));
        assertEquals(990, available(accountId));

        DeductionResult retry = ledger().deductCredits(DeductRequest.of(accountId, key)
                .withRetryOf(original.transactionId()));
        assertTrue(retry.success());
        assertEquals(0, retry.creditsDeducted());
        assertEquals(1, retry.retryNumber());
        assertInvariants(accountId);
    }
}
