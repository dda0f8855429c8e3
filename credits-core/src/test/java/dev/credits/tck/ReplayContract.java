package dev.credits.tck;

import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every keyed operation's replay returns every field of its first result, whatever happened to the account in
 * between: a field added to a result without its replay codec fails here instead of replaying differently. Each
 * first call sets every option the operation has, so that no field is at its default. (A purchase replays as it
 * stands now, by design: see {@link PurchaseResult}.)
 */
public interface ReplayContract extends CommerceFixture {

    /** Asserts that {@code replay} equals {@code first} in every record component but {@code replayed}. */
    static void assertReplayOf(Record first, Record replay) {
        assertEquals(first.getClass(), replay.getClass());
        for (RecordComponent component : first.getClass().getRecordComponents()) {
            Object was;
            Object is;
            try {
                was = component.getAccessor().invoke(first);
                is = component.getAccessor().invoke(replay);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            if (component.getName().equals("replayed")) {
                assertEquals(false, was, "the first call is no replay");
                assertEquals(true, is, "the second call is a replay");
            } else {
                assertEquals(was, is, () -> first.getClass().getSimpleName() + "." + component.getName()
                        + " comes back on a replay");
            }
        }
    }

    @Test
    default void aGrantReplaysEveryFieldOfItsFirstResult() {
        String accountId = openAccountWithOverdraft(20);
        deductOk(accountId, feature("debt", 1), 5); // debt, so that the grant's debtPaid is not 0
        GrantRequest request = GrantRequest.of(accountId, 40).withCreditType(CreditLedger.DEFAULT_CREDIT_TYPE)
                .withSource(LotSource.PURCHASE).withPriority(7).withExpiresAt(now().plus(Duration.ofDays(30)))
                .withMoneyPaid(Money.of("4.99", "USD")).withReason("bought").withMetadata(Map.of("order", "o-1"))
                .withIdempotencyKey(uniqueId("grant"));
        GrantResult first = ledger().grant(request);
        deductOk(accountId, feature("after", 3), 2);

        assertTrue(first.debtPaid() > 0);
        assertReplayOf(first, ledger().grant(request));
    }

    @Test
    default void aDeductionAndItsRetryReplayEveryFieldOfTheirFirstResults() {
        String accountId = openFunded(500);
        PlanIds plans = plans();
        ledger().plans().assignPlan(accountId, plans.professional());
        String feature = newFeatureKey("video");
        ledger().saveFeaturePricing(FeatureDefinition.of(feature, "Video", 9)
                .withPlanPrice(plans.professional(), 6).withFreeRetries(1));
        DeductRequest request = DeductRequest.of(accountId, feature).withQuantity(3).withUserId("user_1")
                .withMetadata(Map.of("job", "j-1")).withIdempotencyKey(uniqueId("deduct"));
        DeductionResult first = ledger().deductCredits(request);
        DeductRequest retry = DeductRequest.of(accountId, feature).withQuantity(3).withRetryOf(first.transactionId())
                .withIdempotencyKey(uniqueId("retry"));
        DeductionResult firstRetry = ledger().deductCredits(retry);
        grant(accountId, 10);

        assertEquals(plans.professional(), first.pricePlanId());
        assertEquals(1, firstRetry.retryNumber());
        assertReplayOf(first, ledger().deductCredits(request));
        assertReplayOf(firstRetry, ledger().deductCredits(retry));
    }

    @Test
    default void aRefundReplaysEveryFieldOfItsFirstResult() {
        String accountId = openFunded(100);
        DeductionResult deduction = deductOk(accountId, feature("image", 4), 5);
        RefundRequest request = RefundRequest.of(deduction.transactionId()).withCredits(8).withReason("failed")
                .withIdempotencyKey(uniqueId("refund"));
        RefundResult first = ledger().refundCredits(request);
        ledger().refundCredits(RefundRequest.of(deduction.transactionId()).withCredits(4));

        assertReplayOf(first, ledger().refundCredits(request));
    }

    @Test
    default void aReservationReplaysEveryFieldOfItsFirstResult() {
        String accountId = openFunded(100);
        ReserveRequest request = ReserveRequest.of(accountId, feature("render", 6)).withQuantity(2)
                .withTimeout(Duration.ofMinutes(2)).withUserId("user_2").withMetadata(Map.of("job", "j-2"))
                .withIdempotencyKey(uniqueId("reserve"));
        ReservationResult first = ledger().reserve(request);
        ledger().commit(first.hold().holdId());

        assertReplayOf(first, ledger().reserve(request));
    }

    @Test
    default void aPurchaseReplaysEveryFieldOfItsFirstResult() {
        CreditLedger shop = shop();
        String accountId = openAccount();
        String starter = starterPackage();
        String code = promotion(p -> p.withPercentOff(new BigDecimal("10")).withBonusCredits(5));
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, starter).withPromotionCode(code)
                .withPurchaseId(uniqueId("pi")).withPaymentReference(uniqueId("ch"))
                .withMetadata(Map.of("campaign", "spring")).withIdempotencyKey(uniqueId("buy"));
        PurchaseResult first = shop.commerce().purchase(request);
        deductOk(accountId, feature("spend", 1), 3);

        assertTrue(first.success());
        assertFalse(first.replayed());
        // A purchase replays as it stands now (PurchaseResult): the stored purchase, the current sequence.
        PurchaseResult replay = shop.commerce().purchase(request);
        assertEquals(new PurchaseResult(true, null, null,
                shop.commerce().getPurchase(first.purchase().purchaseId()).orElseThrow(), null,
                sequence(accountId), true), replay);
        assertEquals(first.purchase(), replay.purchase(), "nothing changed the purchase since");
    }
}
