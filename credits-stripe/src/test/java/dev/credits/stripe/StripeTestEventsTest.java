package dev.credits.stripe;

import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.Money;
import dev.credits.PurchaseStatus;
import dev.credits.stripe.testing.StripeTestEvents;
import dev.credits.stripe.testing.StripeTestEvents.SignedEvent;
import dev.credits.testkit.TestLedger;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The host's Stripe test helper: its events verify with the endpoint's secret and do what Stripe's would. */
class StripeTestEventsTest {

    private static final String SECRET = "whsec_host_test";

    @Test
    void aSignedCheckoutGrantsThePackageAndARefundTakesItBack() {
        TestLedger credits = TestLedger.create();
        CreditLedger ledger = credits.ledger();
        ledger.openAccount("org_1");
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 500, Money.of("10.00", "USD")));
        StripeCredits stripe = StripeCredits.builder().ledger(ledger).webhookSecret(SECRET).build();
        // Signed now, as the endpoint (on the system clock, its default) checks the signature's age against now.
        StripeTestEvents events = StripeTestEvents.signedWith(SECRET);

        SignedEvent paid = events.checkoutCompleted("org_1", "starter", "pi_1");
        assertEquals(WebhookOutcome.Status.APPLIED, stripe.handleWebhook(paid.payload(), paid.signature()).status());
        assertEquals(WebhookOutcome.Status.DUPLICATE,
                stripe.handleWebhook(paid.payload(), paid.signature()).status());
        assertEquals(500, ledger.balance("org_1").available());
        assertEquals(PurchaseStatus.COMPLETED, ledger.commerce().getPurchase("pi_1").orElseThrow().status());

        SignedEvent refunded = events.chargeRefunded("pi_1", 1000, 500);
        stripe.handleWebhook(refunded.payload(), refunded.signature());
        assertEquals(250, ledger.balance("org_1").available());
        credits.checkInvariants("org_1");
    }

    @Test
    void eventsSignedWithAnotherSecretOrTooLongAgoAreRefused() {
        TestLedger credits = TestLedger.create();
        StripeCredits stripe = StripeCredits.builder().ledger(credits.ledger()).webhookSecret(SECRET).build();
        SignedEvent forged = StripeTestEvents.signedWith("whsec_other")
                .event("payment_intent.succeeded", Map.of("id", "pi_2", "object", "payment_intent"));
        assertThrows(WebhookSignatureException.class, () -> stripe.handleWebhook(forged.payload(), forged.signature()));
        SignedEvent stale = StripeTestEvents.signedWith(SECRET)
                .withClock(java.time.Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
                .event("payment_intent.succeeded", Map.of("id", "pi_2", "object", "payment_intent"));
        assertThrows(WebhookSignatureException.class, () -> stripe.handleWebhook(stale.payload(), stale.signature()));
    }
}
