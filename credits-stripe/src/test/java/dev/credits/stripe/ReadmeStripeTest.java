package dev.credits.stripe;

import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.memory.InMemoryCreditStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The READMEs' Stripe webhook handler and result reader, run: they answer as the READMEs say. */
class ReadmeStripeTest {

    private static final String SECRET = "whsec_readme";

    /** A host's webhook endpoint, reduced to what the README shows: returns the HTTP status to answer. */
    static int webhook(StripeCredits stripe, byte[] rawBody, String signatureHeader) {
        // tag::webhook[]
        try {
            WebhookOutcome outcome = stripe.handleWebhook(rawBody, signatureHeader);  // verify, apply once
            return 200;                  // APPLIED, DUPLICATE or IGNORED: acknowledged
        } catch (WebhookSignatureException | WebhookPayloadException e) {
            return 400;                  // forged, stale or unreadable: nothing changed
        } catch (StripeEventRejectedException e) {
            return 409;                  // unknown account, or an event ahead of its purchase: Stripe retries
        }
        // end::webhook[]
    }

    /** What a host might log of an outcome, reduced to what credits-stripe's README shows. */
    static String whatChanged(WebhookOutcome outcome) {
        // tag::result[]
        WebhookOutcome.Result result = outcome.result();       // a sealed interface: one record per ledger answer
        if (result instanceof WebhookOutcome.PurchaseChanged p) {
            return "purchase " + p.result().purchase().purchaseId() + " " + p.result().purchase().status();
        } else if (result instanceof WebhookOutcome.PeriodPaid p) {
            return "period from " + p.period().start() + " " + p.period().status() + ", granted "
                    + p.period().granted();
        } else if (result instanceof WebhookOutcome.PlanChanged p) {
            return "plan " + p.change().kind() + ", now " + p.change().planId();
        }
        return outcome.status() + ": " + outcome.description();    // ProrationPaid, PaymentLinked, NoResult
        // end::result[]
    }

    @Test
    void theResultReaderReadsEachKindOfResult() {
        CreditLedger ledger = CreditLedger.builder().store(new InMemoryCreditStore())
                .clock(new Events.MutableClock(java.time.Instant.parse("2026-03-01T12:00:00Z"))).build();
        ledger.openAccount("org_1");
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 500, Money.of("10.99", "USD")));
        ledger.plans().savePlan(Plan.of("basic", "Basic", 100));
        StripeCredits stripe = StripeCredits.builder().ledger(ledger).webhookSecret(SECRET)
                .packagePrice("starter", "price_starter").planPrice("basic", "price_basic_monthly").build();
        assertEquals("purchase pi_test_paid COMPLETED", whatChanged(apply(stripe,
                "checkout.session.completed.paid.json")));
        assertEquals("plan ASSIGNED, now basic", whatChanged(apply(stripe,
                "checkout.session.completed.subscription.json")));
        assertEquals("period from 2026-03-01T00:00:00Z STARTED, granted {credits=100}", whatChanged(apply(stripe,
                "invoice.paid.first.json")));
        assertEquals("IGNORED: event type not handled by credits", whatChanged(apply(stripe,
                "payment_intent.succeeded.json")));
    }

    private static WebhookOutcome apply(StripeCredits stripe, String event) {
        return stripe.handleEvent(StripeEvent.parseUnverified(Events.load(event, Map.of())));
    }

    @Test
    void theHandlerAnswersLikeTheReadmeSays() {
        CreditLedger ledger = CreditLedger.builder().store(new InMemoryCreditStore()).build();
        ledger.openAccount("org_1");
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 500, Money.of("10.99", "USD")));
        StripeCredits stripe = StripeCredits.builder().ledger(ledger).webhookSecret(SECRET)
                .packagePrice("starter", "price_starter").build();
        byte[] paid = Events.load("checkout.session.completed.paid.json", Map.of()).getBytes(StandardCharsets.UTF_8);
        long now = java.time.Instant.now().getEpochSecond();

        assertEquals(200, webhook(stripe, paid, Events.sign(SECRET, paid, now)));
        assertEquals(200, webhook(stripe, paid, Events.sign(SECRET, paid, now)));
        assertEquals(500, ledger.balance("org_1").available());
        assertEquals(400, webhook(stripe, paid, Events.sign("whsec_forged", paid, now)));
        byte[] stranger = Events.load("checkout.session.completed.paid.json",
                Map.of("\"client_reference_id\": \"org_1\"", "\"client_reference_id\": \"org_unknown\""))
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(409, webhook(stripe, stranger, Events.sign(SECRET, stranger, now)));
    }

}
