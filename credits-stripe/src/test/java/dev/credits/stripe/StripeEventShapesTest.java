package dev.credits.stripe;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Older API shapes, expanded objects, several invoice lines, and payloads that are not events. */
class StripeEventShapesTest {

    private static StripeEvent event(String type, String object) {
        return StripeEvent.parseUnverified("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"" + type
                + "\",\"created\":1700000000,\"livemode\":true,\"api_version\":\"2024-06-20\",\"data\":{\"object\":"
                + object + "}}");
    }

    @Test
    void oldInvoiceShape() {
        // Before 2025-03-31.basil: top-level subscription and subscription_details, lines with price/plan objects.
        StripeInvoice i = event("invoice.paid", """
                {"id":"in_old","object":"invoice","customer":"cus_1","status":"paid",
                 "billing_reason":"subscription_create","amount_paid":2000,"currency":"eur",
                 "subscription":"sub_old","subscription_details":{"metadata":{"plan":"gold"}},
                 "period_start":1,"period_end":2,"metadata":{"k":"v"},
                 "lines":{"object":"list","data":[
                   {"id":"il_1","object":"line_item","type":"subscription","subscription":"sub_old",
                    "proration":false,"period":{"start":1700000000,"end":1702592000},
                    "price":{"id":"price_old","object":"price"},"plan":{"id":"plan_old","object":"plan"}}
                 ]}}""").invoice();
        assertEquals("in_old", i.id());
        assertEquals("cus_1", i.customerId());
        assertEquals("subscription_create", i.billingReason());
        assertEquals(2000L, i.amountPaid());
        assertEquals("eur", i.currency());
        assertEquals("sub_old", i.subscriptionId());
        assertEquals(Map.of("plan", "gold"), i.subscriptionMetadata());
        assertEquals(Instant.ofEpochSecond(1700000000L), i.periodStart());
        assertEquals(Instant.ofEpochSecond(1702592000L), i.periodEnd());
        assertEquals("price_old", i.priceId());
        assertEquals(Map.of("k", "v"), i.metadata());
    }

    @Test
    void veryOldInvoiceLineWithPlanOnlyAndExpandedSubscription() {
        StripeInvoice i = event("invoice.paid", """
                {"id":"in_older","object":"invoice","subscription":{"id":"sub_x","object":"subscription"},
                 "customer":{"id":"cus_x","object":"customer"},
                 "lines":{"data":[{"type":"subscription","period":{"start":10,"end":20},
                                   "plan":{"id":"plan_only"}}]}}""").invoice();
        assertEquals("sub_x", i.subscriptionId());
        assertEquals("cus_x", i.customerId());
        assertEquals("plan_only", i.priceId());
        assertEquals(Instant.ofEpochSecond(10), i.periodStart());
        assertEquals(Map.of(), i.subscriptionMetadata());
    }

    @Test
    void invoiceLinePickedAmongSeveral() {
        // A proration credit, a one-off item, another subscription's line, then the subscription's own line.
        StripeInvoice i = event("invoice.paid", """
                {"id":"in_multi","object":"invoice",
                 "parent":{"type":"subscription_details","subscription_details":{"subscription":"sub_a","metadata":{}}},
                 "lines":{"data":[
                   {"id":"il_pro","period":{"start":100,"end":150},
                    "parent":{"type":"subscription_item_details",
                              "subscription_item_details":{"subscription":"sub_a","proration":true}},
                    "pricing":{"price_details":{"price":"price_pro"}}},
                   {"id":"il_item","period":{"start":1,"end":1},
                    "parent":{"type":"invoice_item_details","invoice_item_details":{"invoice_item":"ii_1","proration":false}},
                    "pricing":{"price_details":{"price":"price_oneoff"}}},
                   {"id":"il_other","period":{"start":5,"end":6},
                    "parent":{"type":"subscription_item_details",
                              "subscription_item_details":{"subscription":"sub_b","proration":false}},
                    "pricing":{"price_details":{"price":"price_other"}}},
                   {"id":"il_main","period":{"start":200,"end":300},
                    "parent":{"type":"subscription_item_details",
                              "subscription_item_details":{"subscription":"sub_a","proration":false}},
                    "pricing":{"price_details":{"price":"price_main"}}}
                 ]},
                 "period_start":7,"period_end":8}""").invoice();
        assertEquals("sub_a", i.subscriptionId());
        assertEquals("price_main", i.priceId());
        assertEquals(Instant.ofEpochSecond(200), i.periodStart());
        assertEquals(Instant.ofEpochSecond(300), i.periodEnd());
    }

    @Test
    void invoiceSubscriptionFromItsLineWhenNothingElseSaysIt() {
        StripeInvoice i = event("invoice.paid", """
                {"id":"in_l","object":"invoice","subscription":null,
                 "lines":{"data":[{"period":{"start":1,"end":2},"subscription":null,
                   "parent":{"subscription_item_details":{"subscription":"sub_line","proration":false}}}]}}""")
                .invoice();
        assertEquals("sub_line", i.subscriptionId());
        assertNull(i.priceId());
    }

    @Test
    void invoicePeriodFallsBackOnlyWithoutLinePeriods() {
        StripeInvoice noLines = event("invoice.paid", """
                {"id":"in_n","object":"invoice","period_start":1000,"period_end":2000}""").invoice();
        assertEquals(Instant.ofEpochSecond(1000), noLines.periodStart());
        assertEquals(Instant.ofEpochSecond(2000), noLines.periodEnd());
        assertNull(noLines.subscriptionId());
        assertNull(noLines.priceId());
        assertNull(noLines.amountPaid());
    }

    @Test
    void oldSubscriptionShape() {
        // Before 2025-03-31.basil the period was top-level; items carried price and plan.
        StripeSubscription s = event("customer.subscription.updated", """
                {"id":"sub_old","object":"subscription","customer":{"id":"cus_1"},"status":"past_due",
                 "current_period_start":1700000000,"current_period_end":1702592000,
                 "cancel_at_period_end":false,"cancel_at":null,"canceled_at":null,"ended_at":null,
                 "metadata":{"a":"b","gone":null},
                 "items":{"data":[{"id":"si_1","plan":{"id":"plan_legacy"}}]}}""").subscription();
        assertEquals("sub_old", s.id());
        assertEquals("cus_1", s.customerId());
        assertEquals("past_due", s.status());
        assertEquals(Instant.ofEpochSecond(1700000000L), s.currentPeriodStart());
        assertEquals(Instant.ofEpochSecond(1702592000L), s.currentPeriodEnd());
        assertEquals("plan_legacy", s.priceId());
        assertFalse(s.cancelAtPeriodEnd());
        assertNull(s.cancelAt());
        assertNull(s.canceledAt());
        assertNull(s.endedAt());
        assertEquals(Map.of("a", "b"), s.metadata());
    }

    @Test
    void subscriptionWithOldTopLevelPlanAndNoItems() {
        StripeSubscription s = event("customer.subscription.deleted", """
                {"id":"sub_p","object":"subscription","plan":{"id":"plan_top"},"ended_at":1700000000}""")
                .subscription();
        assertEquals("plan_top", s.priceId());
        assertEquals(Instant.ofEpochSecond(1700000000L), s.endedAt());
        assertNull(s.currentPeriodStart());
        assertEquals(Map.of(), s.metadata());
    }

    @Test
    void expandedObjectsReduceToTheirIds() {
        StripeCheckoutSession s = event("checkout.session.completed", """
                {"id":"cs_1","object":"checkout.session","mode":"payment","payment_status":"no_payment_required",
                 "payment_intent":{"id":"pi_x","object":"payment_intent","amount":5},
                 "customer":{"id":"cus_x"},"subscription":null,"invoice":{"id":"in_x"},
                 "unknown_future_field":{"deep":[1,2,3]}}""").checkoutSession();
        assertEquals("pi_x", s.paymentIntentId());
        assertEquals("cus_x", s.customerId());
        assertEquals("in_x", s.invoiceId());
        assertNull(s.subscriptionId());
        assertTrue(s.isPaid());
        assertNull(s.amountTotal());
        assertNull(s.amountDiscount());
        assertEquals(Map.of(), s.metadata());

        StripeDispute d = event("charge.dispute.created", """
                {"id":"dp_1","object":"dispute","charge":{"id":"ch_x","object":"charge"},"amount":100,
                 "currency":"usd","status":"warning_needs_response","reason":"general","metadata":{"a":"1"}}""")
                .dispute();
        assertEquals("ch_x", d.chargeId());
        assertNull(d.paymentIntentId());
        assertEquals(Map.of("a", "1"), d.metadata());

        StripeCharge c = event("charge.refunded", """
                {"id":"ch_1","object":"charge","payment_intent":{"id":"pi_y"},"customer":"cus_y",
                 "amount":100,"amount_refunded":40,"refunded":false,"metadata":{"credits_account":"org_1"}}""")
                .charge();
        assertEquals("pi_y", c.paymentIntentId());
        assertEquals("cus_y", c.customerId());
        assertEquals(40L, c.amountRefunded());
        assertEquals(0L, c.amountCaptured());
        assertEquals(Map.of("credits_account", "org_1"), c.metadata());
    }

    @Test
    void envelopeDefaults() {
        StripeEvent e = StripeEvent.parseUnverified("""
                {"id":"evt_2","type":"ping","data":{"object":{"id":"x"}}}""");
        assertEquals(0, e.created());
        assertNull(e.apiVersion());
        assertFalse(e.livemode());
        assertNull(e.objectType());
        assertNull(e.previousAttributes());
        assertThrows(WebhookPayloadException.class, e::invoice);
        StripeEvent live = event("invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\"}");
        assertTrue(live.livemode());
        assertEquals("2024-06-20", live.apiVersion());
        assertEquals(1700000000L, live.created());
    }

    @Test
    void fieldsOfAnotherTypeOrOutOfRangeAreRejectedByTheViews() {
        // Each object is fine but for one field; reading it as absent could make one payment look like another.
        String[][] cases = {
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"payment_intent\":{\"id\":7}}"},
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"payment_intent\":{\"object\":\"payment_intent\"}}"},
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"payment_intent\":7}"},
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"payment_intent\":\"\"}"},
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"metadata\":{\"n\":5}}"},
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"metadata\":[]}"},
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"amount_total\":-1}"},
                {"checkout.session.completed", "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"total_details\":1}"},
                {"checkout.session.completed", "{\"id\":7,\"object\":\"checkout.session\"}"},
                {"invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\",\"period_start\":9223372036854775807}"},
                {"invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\",\"lines\":{\"data\":[{\"period\":{\"start\":-1,\"end\":2}}]}}"},
                {"invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\",\"lines\":{\"data\":[5]}}"},
                {"invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\",\"lines\":[]}"},
                {"invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\",\"parent\":\"x\"}"},
                {"invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\",\"amount_paid\":1.5}"},
                {"customer.subscription.updated", "{\"id\":\"sub_1\",\"object\":\"subscription\",\"cancel_at\":1e3}"},
                {"customer.subscription.updated", "{\"id\":\"sub_1\",\"object\":\"subscription\",\"items\":{\"data\":[\"si\"]}}"},
                {"customer.subscription.updated", "{\"id\":\"sub_1\",\"object\":\"subscription\",\"status\":1}"},
                {"charge.refunded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"amount\":100,\"amount_refunded\":101}"},
                {"charge.refunded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"amount\":18446744073709551616}"},
                {"charge.refunded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"refunded\":\"true\"}"},
                {"charge.refunded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"invoice\":{\"id\":null}}"},
                {"charge.dispute.created", "{\"id\":\"dp_1\",\"object\":\"dispute\",\"amount\":-1}"},
                {"invoice_payment.paid", "{\"id\":\"inpay_1\",\"object\":\"invoice_payment\",\"payment\":\"pi_1\"}"},
        };
        for (String[] c : cases) {
            StripeEvent e = event(c[0], c[1]);
            assertThrows(WebhookPayloadException.class, () -> {
                switch (e.objectType()) {
                    case "checkout.session" -> e.checkoutSession();
                    case "invoice" -> e.invoice();
                    case "subscription" -> e.subscription();
                    case "charge" -> e.charge();
                    case "dispute" -> e.dispute();
                    default -> e.invoicePayment();
                }
            }, c[1]);
        }
        // The envelope too: created must be unix seconds of 1970 to 9999, livemode a boolean.
        for (String bad : new String[] {"9223372036854775807", "-1", "\"1\"", "1.5"}) {
            assertThrows(WebhookPayloadException.class, () -> StripeEvent.parseUnverified(
                    "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":" + bad + ",\"data\":{\"object\":{}}}"), bad);
        }
        assertThrows(WebhookPayloadException.class, () -> StripeEvent.parseUnverified(
                "{\"id\":\"evt_1\",\"type\":\"x\",\"livemode\":1,\"data\":{\"object\":{}}}"));
        assertThrows(WebhookPayloadException.class, () -> StripeEvent.parseUnverified(
                "{\"id\":7,\"type\":\"x\",\"data\":{\"object\":{}}}"));
    }

    @Test
    void anInvoicePaymentAndTheOlderApisPaymentFields() {
        StripeInvoicePayment p = event("invoice_payment.paid", """
                {"id":"inpay_1","object":"invoice_payment","invoice":"in_1","status":"paid","amount_paid":1900,
                 "currency":"usd","payment":{"type":"payment_intent","payment_intent":"pi_1"}}""").invoicePayment();
        assertEquals(new StripeInvoicePayment("inpay_1", "in_1", "payment_intent", "pi_1", null, "paid", 1900L, "usd"),
                p);
        assertEquals("pi_old", event("invoice.paid", """
                {"id":"in_1","object":"invoice","payment_intent":"pi_old"}""").invoice().paymentIntentId());
        assertEquals("in_old", event("charge.refunded", """
                {"id":"ch_1","object":"charge","invoice":{"id":"in_old","object":"invoice"}}""").charge().invoiceId());
    }

    @Test
    void payloadsThatAreNotEventsAreRejected() {
        for (String bad : new String[] {
                "",
                "{not json",
                "{\"id\":\"evt_1\",",
                "[1,2,3]",
                "\"a string\"",
                "42",
                "null",
                "{\"type\":\"invoice.paid\",\"data\":{\"object\":{}}}",                  // no id
                "{\"id\":\"\",\"type\":\"invoice.paid\",\"data\":{\"object\":{}}}",      // blank id
                "{\"id\":\"evt_1\",\"data\":{\"object\":{}}}",                           // no type
                "{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}",                          // no data
                "{\"id\":\"evt_1\",\"type\":\"invoice.paid\",\"data\":{}}",              // no data.object
                "{\"id\":\"evt_1\",\"type\":\"invoice.paid\",\"data\":{\"object\":\"in_1\"}}", // not an object
                "{\"id\":\"evt_1\",\"type\":\"x\",\"data\":{\"object\":{}}} trailing",   // trailing junk
                "{\"id\":\"evt_1\",\"id\":\"evt_2\",\"type\":\"x\",\"data\":{\"object\":{}}}", // duplicate key
        }) {
            assertThrows(WebhookPayloadException.class, () -> StripeEvent.parseUnverified(bad), bad);
        }
        // A typed view of an object without an id.
        StripeEvent noId = event("invoice.paid", "{\"object\":\"invoice\"}");
        assertThrows(WebhookPayloadException.class, noId::invoice);
    }
}
