package dev.credits.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every Stripe fixture parses, and the typed views read the fields credits uses (see the fixtures' README). */
class StripeEventFixturesTest {

    private static final String CUSTOMER = "cus_QXg1o8vcGmoR32";
    private static final String SUBSCRIPTION = "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw";
    private static final String PRICE = "price_1PgafmB7WZ01zgkW6dKueIc5";
    private static final String PAYMENT_INTENT = "pi_1PgafyB7WZ01zgkWSjxsAJo3";
    private static final String CHARGE = "ch_1PgafuB7WZ01zgkWXYmPNZs8";
    private static final String INVOICE = "in_1Pgc6tB7WZ01zgkWu9fdqL6I";
    private static final String SESSION = "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY";
    private static final Map<String, String> PACKAGE_METADATA = Map.of("credits_package", "pkg_1000", "credits", "1000");
    private static final Map<String, String> PLAN_METADATA =
            Map.of("credits_plan", "plan_monthly_500", "monthly_credits", "500");

    private static StripeEvent parse(String name) {
        return StripeEvent.parseUnverified(Fixtures.string(name));
    }

    @Test
    void everyFixtureParsesWithItsEnvelope() {
        for (String name : Fixtures.ALL) {
            StripeEvent e = parse(name);
            assertTrue(e.id().startsWith("evt_1Pgc76B7WZ01zgkWwyRH"), name);
            assertTrue(name.startsWith(e.type() + "."), name);
            assertEquals(1234567890L, e.created(), name);
            assertEquals(Instant.ofEpochSecond(1234567890L), e.createdAt(), name);
            assertEquals("2026-07-29.dahlia", e.apiVersion(), name);
            assertFalse(e.livemode(), name);
            assertNotNull(e.objectType(), name);
        }
    }

    @Test
    void eventIdsAreUnique() {
        assertEquals(Fixtures.ALL.size(), Fixtures.ALL.stream().map(n -> parse(n).id()).distinct().count());
    }

    @Test
    void checkoutSessionCompleted() {
        StripeEvent e = parse("checkout.session.completed.json");
        assertEquals("evt_1Pgc76B7WZ01zgkWwyRHCS01", e.id());
        assertEquals("checkout.session.completed", e.type());
        assertEquals("checkout.session", e.objectType());
        StripeCheckoutSession s = e.checkoutSession();
        assertEquals(SESSION, s.id());
        assertEquals("payment", s.mode());
        assertEquals("paid", s.paymentStatus());
        assertTrue(s.isPaid());
        assertEquals("complete", s.status());
        assertEquals("user_123", s.clientReferenceId());
        assertEquals(PACKAGE_METADATA, s.metadata());
        assertEquals(PAYMENT_INTENT, s.paymentIntentId());
        assertNull(s.subscriptionId());
        assertNull(s.customerId());
        assertNull(s.invoiceId());
        assertEquals(1099L, s.amountSubtotal());
        assertEquals(1099L, s.amountTotal());
        assertEquals("usd", s.currency());
        assertEquals(0L, s.amountDiscount());
        assertNull(e.previousAttributes());
    }

    @Test
    void checkoutSessionCompletedButUnpaid() {
        StripeCheckoutSession s = parse("checkout.session.completed.async-unpaid.json").checkoutSession();
        assertEquals("complete", s.status());
        assertEquals("unpaid", s.paymentStatus());
        assertFalse(s.isPaid());
        assertEquals(PAYMENT_INTENT, s.paymentIntentId());
        assertEquals(PACKAGE_METADATA, s.metadata());
    }

    @Test
    void checkoutSessionAsyncPaymentSucceededAndFailed() {
        StripeEvent ok = parse("checkout.session.async_payment_succeeded.json");
        assertEquals("checkout.session.async_payment_succeeded", ok.type());
        assertEquals("paid", ok.checkoutSession().paymentStatus());
        assertEquals(SESSION, ok.checkoutSession().id());
        assertEquals("user_123", ok.checkoutSession().clientReferenceId());

        StripeEvent failed = parse("checkout.session.async_payment_failed.json");
        assertEquals("checkout.session.async_payment_failed", failed.type());
        assertEquals("unpaid", failed.checkoutSession().paymentStatus());
        assertEquals(PAYMENT_INTENT, failed.checkoutSession().paymentIntentId());
        assertEquals(1099L, failed.checkoutSession().amountTotal());
    }

    @Test
    void checkoutSessionCompletedForASubscription() {
        StripeCheckoutSession s = parse("checkout.session.completed.subscription.json").checkoutSession();
        assertEquals("subscription", s.mode());
        assertEquals("paid", s.paymentStatus());
        assertNull(s.paymentIntentId());
        assertEquals(SUBSCRIPTION, s.subscriptionId());
        assertEquals(CUSTOMER, s.customerId());
        assertEquals(INVOICE, s.invoiceId());
        assertEquals(2000L, s.amountSubtotal());
        assertEquals(2000L, s.amountTotal());
        assertEquals(PLAN_METADATA, s.metadata());
        assertEquals("user_123", s.clientReferenceId());
    }

    @Test
    void invoicePaid() {
        StripeEvent e = parse("invoice.paid.json");
        assertEquals("invoice", e.objectType());
        StripeInvoice i = e.invoice();
        assertEquals(INVOICE, i.id());
        assertEquals(CUSTOMER, i.customerId());
        assertEquals("paid", i.status());
        assertEquals("subscription_cycle", i.billingReason());
        assertEquals(1000L, i.amountPaid());
        assertEquals("usd", i.currency());
        // New API: parent.subscription_details (the top-level "subscription" is null in this shape).
        assertEquals(SUBSCRIPTION, i.subscriptionId());
        assertEquals(PLAN_METADATA, i.subscriptionMetadata());
        // From the line, not the invoice's placeholder period_start/period_end (1234567890).
        assertEquals(Instant.ofEpochSecond(1721954054L), i.periodStart());
        assertEquals(Instant.ofEpochSecond(1724632454L), i.periodEnd());
        assertEquals(PRICE, i.priceId());
        assertEquals(Map.of(), i.metadata());
    }

    @Test
    void subscriptionUpdated() {
        StripeEvent e = parse("customer.subscription.updated.json");
        StripeSubscription s = e.subscription();
        assertEquals(SUBSCRIPTION, s.id());
        assertEquals(CUSTOMER, s.customerId());
        assertEquals("active", s.status());
        assertEquals(PLAN_METADATA, s.metadata());
        assertTrue(s.cancelAtPeriodEnd());
        assertEquals(Instant.ofEpochSecond(1724632454L), s.cancelAt());
        assertNull(s.endedAt());
        // items.data[0].price.id, not the item's placeholder plan.id ("obj_123").
        assertEquals(PRICE, s.priceId());
        assertEquals(Instant.ofEpochSecond(1721954054L), s.currentPeriodStart());
        assertEquals(Instant.ofEpochSecond(1724632454L), s.currentPeriodEnd());
        JsonNode previous = e.previousAttributes();
        assertNotNull(previous);
        assertFalse(previous.get("cancel_at_period_end").booleanValue());
        assertTrue(previous.get("cancel_at").isNull());
        assertTrue(previous.has("canceled_at"));
    }

    @Test
    void subscriptionDeleted() {
        StripeEvent e = parse("customer.subscription.deleted.json");
        StripeSubscription s = e.subscription();
        assertEquals(SUBSCRIPTION, s.id());
        assertEquals("canceled", s.status());
        assertFalse(s.cancelAtPeriodEnd());
        assertEquals(PLAN_METADATA, s.metadata());
        assertEquals(PRICE, s.priceId());
        assertEquals(Instant.ofEpochSecond(1724632454L), s.currentPeriodEnd());
        assertNull(e.previousAttributes());
    }

    @Test
    void chargeRefunded() {
        StripeEvent e = parse("charge.refunded.json");
        StripeCharge c = e.charge();
        assertEquals(CHARGE, c.id());
        assertEquals(PAYMENT_INTENT, c.paymentIntentId());
        assertEquals(1099L, c.amount());
        assertEquals(1099L, c.amountRefunded());
        assertEquals(1099L, c.amountCaptured());
        assertTrue(c.refunded());
        assertEquals("usd", c.currency());
        assertEquals(Map.of(), c.metadata());
        assertNull(c.customerId());
        assertEquals(0, e.previousAttributes().get("amount_refunded").intValue());
    }

    @Test
    void chargePartiallyRefunded() {
        StripeEvent e = parse("charge.refunded.partial.json");
        assertEquals("charge.refunded", e.type());
        StripeCharge c = e.charge();
        assertEquals(1099L, c.amount());
        assertEquals(500L, c.amountRefunded());
        assertFalse(c.refunded());
        assertEquals(0, e.previousAttributes().get("amount_refunded").intValue());
    }

    @Test
    void disputes() {
        StripeDispute created = parse("charge.dispute.created.json").dispute();
        assertEquals("dp_1Pgc71B7WZ01zgkWMevJiAUx", created.id());
        assertEquals(CHARGE, created.chargeId());
        assertEquals(PAYMENT_INTENT, created.paymentIntentId());
        assertEquals(1099L, created.amount());
        assertEquals("usd", created.currency());
        assertEquals("needs_response", created.status());
        assertEquals("fraudulent", created.reason());
        assertEquals(Map.of(), created.metadata());

        StripeEvent lost = parse("charge.dispute.closed.lost.json");
        assertEquals("charge.dispute.closed", lost.type());
        assertEquals("lost", lost.dispute().status());
        assertEquals(created.id(), lost.dispute().id());
        StripeEvent won = parse("charge.dispute.closed.won.json");
        assertEquals("won", won.dispute().status());
        assertEquals(1099L, won.dispute().amount());
    }

    @Test
    void paymentIntentSucceeded() {
        StripePaymentIntent p = parse("payment_intent.succeeded.json").paymentIntent();
        assertEquals(PAYMENT_INTENT, p.id());
        assertEquals("succeeded", p.status());
        assertEquals(1099L, p.amount());
        assertEquals(1099L, p.amountReceived());
        assertEquals(CHARGE, p.latestChargeId());
    }

    @Test
    void aViewOfTheWrongObjectTypeIsRejected() {
        StripeEvent charge = parse("charge.refunded.json");
        assertThrows(WebhookPayloadException.class, charge::invoice);
        assertThrows(WebhookPayloadException.class, charge::checkoutSession);
        assertThrows(WebhookPayloadException.class, charge::subscription);
        assertThrows(WebhookPayloadException.class, charge::dispute);
        assertThrows(WebhookPayloadException.class, charge::paymentIntent);
        assertThrows(WebhookPayloadException.class, () -> parse("invoice.paid.json").charge());
    }

    @Test
    void theEventIsImmutable() {
        StripeEvent e = parse("invoice.paid.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) e.object()).put("id", "in_changed");
        assertEquals(INVOICE, e.invoice().id());
        assertThrows(UnsupportedOperationException.class, () -> e.invoice().metadata().put("k", "v"));
    }
}
