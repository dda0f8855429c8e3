package dev.credits.stripe;

import dev.credits.Balance;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Purchase;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.WebhookOutcome.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Stripe's real payloads (src/test/resources/stripe-fixtures) delivered in every order, with refused deliveries
 * redelivered later as Stripe does: each order ends as in-order delivery does. On the in-memory store, and on H2 in
 * a subclass.
 */
class StripeDeliveryOrderTest {

    private static final String SECRET = "whsec_test_order";
    private static final String FIXTURE_ACCOUNT = "user_123";
    private static final String FIXTURE_PAYMENT = "pi_1PgafyB7WZ01zgkWSjxsAJo3";
    private static final String FIXTURE_SUBSCRIPTION = "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw";
    /** When deliveries are signed (the verifier's clock). */
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    /** The ledger's time: an hour into the period of the fixture invoice (2024-07-26 to 2024-08-26). */
    private static final Instant LEDGER_NOW = Instant.ofEpochSecond(1721954054L + 3600);

    private CreditLedger ledger;
    private StripeCredits stripe;
    private int runs;

    @BeforeEach
    void setUp() {
        ledger = CreditLedger.builder().store(newStore()).clock(new Events.MutableClock(LEDGER_NOW)).build();
        ledger.commerce().savePackage(CreditPackage.of("pkg_1000", "1000 credits", 1000, Money.of("10.99", "USD")));
        ledger.plans().savePlan(Plan.of("plan_monthly_500", "Monthly 500", 500));
        // The fixtures carry illustrative metadata keys (see their README): the host configures them.
        stripe = StripeCredits.builder()
                .ledger(ledger)
                .webhookSecret(SECRET)
                .clock(new Events.MutableClock(NOW))
                .packageMetadataKey("credits_package")
                .planMetadataKey("credits_plan")
                .packagePrice("pkg_1000", "price_one_time")
                .planPrice("plan_monthly_500", "price_1PgafmB7WZ01zgkW6dKueIc5")
                .build();
    }

    /** @return an empty store; {@link H2StripeDeliveryOrderTest} runs every test on H2 */
    CreditStore newStore() {
        return new InMemoryCreditStore();
    }

    /** One run's account and payment: fresh ids, so every run starts from nothing on the one store. */
    private record Run(String accountId, String paymentIntentId, String subscriptionId) {
    }

    private Run newRun() {
        runs++;
        Run run = new Run(FIXTURE_ACCOUNT + "_r" + runs, FIXTURE_PAYMENT + "_r" + runs,
                FIXTURE_SUBSCRIPTION + "_r" + runs);
        ledger.openAccount(run.accountId());
        return run;
    }

    private WebhookOutcome deliver(Run run, String fixture) {
        String text = Fixtures.string(fixture).replace(FIXTURE_ACCOUNT, run.accountId())
                .replace(FIXTURE_PAYMENT, run.paymentIntentId()).replace(FIXTURE_SUBSCRIPTION, run.subscriptionId());
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return stripe.handleWebhook(payload, Events.sign(SECRET, payload, NOW.getEpochSecond()));
    }

    /** What a run ends with: the account's balance and its purchase's reversal totals. */
    private record End(Balance balance, String purchaseState, Set<String> neverApplied) {
    }

    private End end(Run run, Set<String> neverApplied) {
        Optional<Purchase> p = ledger.commerce().getPurchase(run.paymentIntentId());
        String state = p.map(x -> x.status() + " refunded=" + x.refundedCredits() + " disputed="
                + x.disputedCredits() + " " + x.disputeStatus() + " frozen=" + x.frozenCredits() + " clawed="
                + x.clawedBack()).orElse("none");
        return new End(ledger.balance(run.accountId()), state, neverApplied);
    }

    /**
     * Delivers the fixtures in this order, as Stripe would: a delivery refused with a {@link
     * StripeEventRejectedException} (answered non-2xx) is delivered again after the others, until a whole round
     * of redeliveries applies nothing more (then Stripe would give up on what is left).
     *
     * @return the end state, with the fixtures that were never acknowledged
     */
    private End deliverAsStripe(List<String> order) {
        Run run = newRun();
        Deque<String> queue = new ArrayDeque<>(order);
        List<String> refused = new ArrayList<>();
        while (true) {
            while (!queue.isEmpty()) {
                String fixture = queue.poll();
                try {
                    assertNotNull(deliver(run, fixture).status());
                } catch (StripeEventRejectedException e) {
                    assertTrue(e.reason() == Reason.UNKNOWN_PURCHASE || e.reason() == Reason.PURCHASE_STATE_CONFLICT,
                            () -> order + ": " + e.getMessage());
                    refused.add(fixture);
                }
            }
            if (refused.isEmpty()) {
                return end(run, Set.of());
            }
            List<String> retry = List.copyOf(refused);
            refused.clear();
            for (String fixture : retry) {
                queue.add(fixture);
            }
            int before = retry.size();
            while (!queue.isEmpty()) {
                String fixture = queue.poll();
                try {
                    deliver(run, fixture);
                } catch (StripeEventRejectedException e) {
                    refused.add(fixture);
                }
            }
            if (refused.size() == before) {
                return end(run, new LinkedHashSet<>(refused));
            }
            queue.addAll(refused);
            refused.clear();
        }
    }

    private static List<List<String>> permutations(List<String> items) {
        List<List<String>> out = new ArrayList<>();
        permute(new ArrayList<>(items), 0, out);
        return out;
    }

    private static void permute(List<String> items, int from, List<List<String>> out) {
        if (from == items.size()) {
            out.add(List.copyOf(items));
            return;
        }
        for (int i = from; i < items.size(); i++) {
            java.util.Collections.swap(items, from, i);
            permute(items, from + 1, out);
            java.util.Collections.swap(items, from, i);
        }
    }

    /** @return every non-empty subset of the items, in their order */
    private static List<List<String>> subsets(List<String> items) {
        List<List<String>> out = new ArrayList<>();
        for (int mask = 1; mask < (1 << items.size()); mask++) {
            List<String> subset = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if ((mask & (1 << i)) != 0) {
                    subset.add(items.get(i));
                }
            }
            out.add(subset);
        }
        return out;
    }

    private static void assertSameEnd(End expected, End actual, List<String> order, List<String> inOrder) {
        assertEquals(expected.balance().available(), actual.balance().available(), () -> order + " vs " + inOrder);
        assertEquals(expected.balance().total(), actual.balance().total(), () -> order + " vs " + inOrder);
        assertEquals(expected.balance().held(), actual.balance().held(), () -> order + " vs " + inOrder);
        assertEquals(expected.purchaseState(), actual.purchaseState(), () -> order + " vs " + inOrder);
        assertEquals(expected.neverApplied(), actual.neverApplied(), () -> order + " vs " + inOrder);
    }

    /** Every order of every subset of the story (in story order) ends as the story's own order does. */
    private void everyOrderOfEverySubsetConverges(List<String> story) {
        int checked = 0;
        for (List<String> inOrder : subsets(story)) {
            End expected = deliverAsStripe(inOrder);
            for (List<String> order : permutations(inOrder)) {
                assertSameEnd(expected, deliverAsStripe(order), order, inOrder);
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    // ---------------------------------------------------------------- one payment, every order

    @Test
    void everyOrderOfCheckoutRefundsAndALostDisputeEndsAsInOrder() {
        everyOrderOfEverySubsetConverges(List.of("checkout.session.completed.json", "charge.refunded.partial.json",
                "charge.refunded.json", "charge.dispute.created.json", "charge.dispute.closed.lost.json"));
    }

    @Test
    void everyOrderOfCheckoutRefundsAndAWonDisputeEndsAsInOrder() {
        everyOrderOfEverySubsetConverges(List.of("checkout.session.completed.json", "charge.refunded.partial.json",
                "charge.refunded.json", "charge.dispute.created.json", "charge.dispute.closed.won.json"));
    }

    @Test
    void everyOrderOfADelayedPaymentWithARefundAndADisputeEndsAsInOrder() {
        List<String> story = List.of("checkout.session.completed.async-unpaid.json",
                "checkout.session.async_payment_succeeded.json", "charge.refunded.partial.json",
                "charge.dispute.created.json", "charge.dispute.closed.lost.json");
        End expected = deliverAsStripe(story);
        assertEquals(0, expected.balance().total());
        for (List<String> order : permutations(story)) {
            assertSameEnd(expected, deliverAsStripe(order), order, story);
        }
    }

    @Test
    void theOrdersEndWhereTheLedgerRulesSay() {
        // In order: 1000 granted, 455 of 1099 refunded (half up), then fully refunded, then a lost dispute.
        End lost = deliverAsStripe(List.of("checkout.session.completed.json", "charge.refunded.partial.json",
                "charge.refunded.json", "charge.dispute.created.json", "charge.dispute.closed.lost.json"));
        assertEquals(0, lost.balance().available());
        assertEquals(0, lost.balance().total());
        assertTrue(lost.neverApplied().isEmpty());
        // A dispute ahead of its checkout, as found in testing: refused, redelivered, applied: nothing is lost.
        End disputeFirst = deliverAsStripe(List.of("charge.dispute.created.json", "charge.dispute.closed.lost.json",
                "checkout.session.completed.json"));
        assertEquals(0, disputeFirst.balance().total(), "the lost dispute took the credits back");
        End refundFirst = deliverAsStripe(List.of("charge.refunded.partial.json", "checkout.session.completed.json"));
        assertEquals(1000 - 455, refundFirst.balance().available(), "500/1099 of 1000 credits, half up");
        // Without its checkout, a reversal is never acknowledged: Stripe keeps redelivering it.
        End noCheckout = deliverAsStripe(List.of("charge.dispute.created.json", "charge.refunded.json"));
        assertEquals(Set.of("charge.dispute.created.json", "charge.refunded.json"), noCheckout.neverApplied());
        assertEquals(0, noCheckout.balance().total());
    }

    @Test
    void aReversalAheadOfItsPurchaseIsRefusedAndChangesNothing() {
        Run run = newRun();
        for (String fixture : List.of("charge.refunded.json", "charge.refunded.partial.json",
                "charge.dispute.created.json", "charge.dispute.closed.lost.json", "charge.dispute.closed.won.json")) {
            StripeEventRejectedException e = assertThrows(StripeEventRejectedException.class,
                    () -> deliver(run, fixture), fixture);
            assertEquals(Reason.UNKNOWN_PURCHASE, e.reason(), fixture);
        }
        assertTrue(ledger.commerce().getPurchase(run.paymentIntentId()).isEmpty());
        assertEquals(0, ledger.balance(run.accountId()).total());
        assertEquals(0, ledger.getAccount(run.accountId()).orElseThrow().sequence());
    }

    // ---------------------------------------------------------------- subscriptions: the remembered link

    @Test
    void invoiceAndSubscriptionEventsWithoutAccountMetadataResolveThroughTheSubscriptionCheckout() {
        // The fixtures' subscription metadata names a plan but no account: only the checkout's
        // client_reference_id does.
        Run run = newRun();
        assertEquals(Status.APPLIED, deliver(run, "checkout.session.completed.subscription.json").status());
        assertEquals("plan_monthly_500", ledger.getAccount(run.accountId()).orElseThrow().planId());
        assertEquals(Optional.of(run.accountId()), ledger.findAccountLink("stripe:" + run.subscriptionId())
                .map(dev.credits.AccountLink::accountId));
        assertEquals("plan_monthly_500", ledger.findAccountLink("stripe:" + run.subscriptionId()).orElseThrow()
                .detail());

        WebhookOutcome invoice = deliver(run, "invoice.paid.json");
        assertEquals(Status.APPLIED, invoice.status());
        assertEquals(run.accountId(), invoice.accountId());
        assertEquals(500, ledger.balance(run.accountId()).available());
        assertEquals(Status.DUPLICATE, deliver(run, "invoice.paid.json").status());

        WebhookOutcome updated = deliver(run, "customer.subscription.updated.json");
        assertEquals(run.accountId(), updated.accountId());
        assertEquals(Status.DUPLICATE, updated.status(), "same plan: cancel_at_period_end changes no plan");

        WebhookOutcome deleted = deliver(run, "customer.subscription.deleted.json");
        assertEquals(Status.APPLIED, deleted.status());
        assertEquals(run.accountId(), deleted.accountId());
        assertNull(ledger.getAccount(run.accountId()).orElseThrow().planId());
        assertEquals(500, ledger.balance(run.accountId()).available());
    }

    @Test
    void anInvoiceAheadOfItsSubscriptionCheckoutIsRefusedThenResolvedByTheRedelivery() {
        Run run = newRun();
        for (String fixture : List.of("invoice.paid.json", "customer.subscription.updated.json",
                "customer.subscription.deleted.json")) {
            StripeEventRejectedException e = assertThrows(StripeEventRejectedException.class,
                    () -> deliver(run, fixture), fixture);
            assertEquals(Reason.UNKNOWN_SUBSCRIPTION, e.reason(), fixture);
        }
        assertNull(ledger.getAccount(run.accountId()).orElseThrow().planId());
        assertEquals(0, ledger.getAccount(run.accountId()).orElseThrow().sequence());

        deliver(run, "checkout.session.completed.subscription.json");
        assertEquals(Status.APPLIED, deliver(run, "invoice.paid.json").status());
        assertEquals(500, ledger.balance(run.accountId()).available());
    }

    @Test
    void theRememberedPlanServesAnUnmappedPriceWithoutPlanMetadata() {
        StripeCredits unmapped = StripeCredits.builder().ledger(ledger).webhookSecret(SECRET)
                .clock(new Events.MutableClock(NOW)).packageMetadataKey("credits_package")
                .planMetadataKey("credits_plan").build();
        Run run = newRun();
        byte[] checkout = Fixtures.string("checkout.session.completed.subscription.json")
                .replace(FIXTURE_ACCOUNT, run.accountId()).replace(FIXTURE_SUBSCRIPTION, run.subscriptionId())
                .getBytes(StandardCharsets.UTF_8);
        unmapped.handleWebhook(checkout, Events.sign(SECRET, checkout, NOW.getEpochSecond()));
        // The invoice's subscription metadata is gone and its price is mapped to no plan.
        byte[] invoice = Fixtures.string("invoice.paid.json").replace(FIXTURE_SUBSCRIPTION, run.subscriptionId())
                .replace("\"credits_plan\": \"plan_monthly_500\"", "\"other\": \"x\"")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(!new String(invoice, StandardCharsets.UTF_8).contains("credits_plan"));
        WebhookOutcome paid = unmapped.handleWebhook(invoice, Events.sign(SECRET, invoice, NOW.getEpochSecond()));
        assertEquals(Status.APPLIED, paid.status());
        assertEquals(run.accountId(), paid.accountId());
        assertEquals("plan_monthly_500", ledger.getAccount(run.accountId()).orElseThrow().planId());
        assertEquals(Map.of("credits", 500L), paid.result(WebhookOutcome.PeriodPaid.class).orElseThrow()
                .period().granted());
    }

    @Test
    void aRunIsIsolated() {
        // Sanity of the harness: runs use their own ids, so one run's purchase is not another's.
        End first = deliverAsStripe(List.of("checkout.session.completed.json"));
        End second = deliverAsStripe(List.of("checkout.session.completed.json"));
        assertEquals(1000, first.balance().available());
        assertEquals(1000, second.balance().available());
        if (first.neverApplied().size() + second.neverApplied().size() > 0) {
            fail("a checkout was refused");
        }
    }
}
