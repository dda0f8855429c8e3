package dev.credits.stripe;

import dev.credits.Account;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.Money;
import dev.credits.PeriodResult;
import dev.credits.Plan;
import dev.credits.PlanChange;
import dev.credits.Purchase;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStatus;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.WebhookOutcome.NoResult;
import dev.credits.stripe.WebhookOutcome.PaymentLinked;
import dev.credits.stripe.WebhookOutcome.PeriodPaid;
import dev.credits.stripe.WebhookOutcome.PlanChanged;
import dev.credits.stripe.WebhookOutcome.ProrationPaid;
import dev.credits.stripe.WebhookOutcome.PurchaseChanged;
import dev.credits.stripe.WebhookOutcome.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StripeCredits#handleWebhook} against the in-memory store (and H2, in a subclass), with signed events of our own. */
class StripeCreditsWebhookTest {

    private static final String SECRET = "whsec_test_credits_secret";
    private static final String ACCOUNT = "org_1";
    private static final Instant MARCH_1_NOON = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant PERIOD_1 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant PERIOD_2 = Instant.parse("2026-04-01T00:00:00Z");
    private static final Instant PERIOD_3 = Instant.parse("2026-05-01T00:00:00Z");

    private Events.MutableClock clock;
    private CreditLedger ledger;
    private StripeCredits stripe;

    @BeforeEach
    void setUp() {
        clock = new Events.MutableClock(MARCH_1_NOON);
        ledger = CreditLedger.builder().store(newStore()).clock(clock).build();
        ledger.openAccount(ACCOUNT);
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 500, Money.of("10.99", "USD")));
        ledger.plans().savePlan(Plan.of("basic", "Basic", 100).withRolloverCap(50));
        ledger.plans().savePlan(Plan.of("pro", "Pro", 300));
        stripe = StripeCredits.builder()
                .ledger(ledger)
                .webhookSecret(SECRET)
                .clock(clock)
                .packagePrice("starter", "price_starter")
                .planPrice("basic", "price_basic_monthly")
                .planPrice("pro", "price_pro_monthly")
                .build();
    }

    /** @return an empty store for one test; {@link H2StripeCreditsWebhookTest} runs every test on H2 */
    CreditStore newStore() {
        return new InMemoryCreditStore();
    }

    private WebhookOutcome deliver(String name) {
        return deliver(name, Map.of());
    }

    private WebhookOutcome deliver(String name, Map<String, String> replacements) {
        byte[] payload = Events.load(name, replacements).getBytes(StandardCharsets.UTF_8);
        return stripe.handleWebhook(payload, Events.sign(SECRET, payload, clock.instant().getEpochSecond()));
    }

    private long balance() {
        return ledger.balance(ACCOUNT).available();
    }

    private List<Purchase> purchases() {
        return ledger.commerce().listPurchases(ACCOUNT);
    }

    // ---------------------------------------------------------------- one-time purchases

    @Test
    void paidCheckoutGrantsThePackageOnceOverFiveDeliveries() {
        WebhookOutcome first = deliver("checkout.session.completed.paid.json");
        assertEquals(Status.APPLIED, first.status());
        assertEquals("evt_test_paid", first.eventId());
        assertEquals("checkout.session.completed", first.type());
        assertEquals(ACCOUNT, first.accountId());
        PurchaseResult r = first.result(PurchaseChanged.class).orElseThrow().result();
        assertEquals("pi_test_paid", r.purchase().purchaseId());
        assertEquals(PurchaseStatus.COMPLETED, r.purchase().status());
        for (int i = 0; i < 4; i++) {
            assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.paid.json").status());
        }
        assertEquals(500, balance());
        assertEquals(1, purchases().size());
        assertEquals("pi_test_paid", purchases().get(0).paymentReference());
        assertEquals("cs_test_paid", purchases().get(0).metadata().get("stripe_checkout_session_id"));
    }

    @Test
    void concurrentDeliveriesFromEightThreadsGrantOnce() throws Exception {
        byte[] payload = Events.load("checkout.session.completed.paid.json", Map.of())
                .getBytes(StandardCharsets.UTF_8);
        String header = Events.sign(SECRET, payload, clock.instant().getEpochSecond());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<WebhookOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<WebhookOutcome> task = () -> {
                    go.await();
                    return stripe.handleWebhook(payload, header);
                };
                futures.add(pool.submit(task));
            }
            go.countDown();
            int applied = 0;
            int duplicate = 0;
            for (Future<WebhookOutcome> f : futures) {
                Status s = f.get(30, TimeUnit.SECONDS).status();
                if (s == Status.APPLIED) {
                    applied++;
                } else if (s == Status.DUPLICATE) {
                    duplicate++;
                }
            }
            assertEquals(1, applied);
            assertEquals(7, duplicate);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(500, balance());
        assertEquals(1, purchases().size());
    }

    @Test
    void unpaidCheckoutIsPendingUntilTheAsyncPaymentSucceeds() {
        assertEquals(Status.APPLIED, deliver("checkout.session.completed.unpaid.json").status());
        Purchase pending = ledger.commerce().getPurchase("pi_test_async").orElseThrow();
        assertEquals(PurchaseStatus.PENDING, pending.status());
        assertEquals(0, balance());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.unpaid.json").status());

        WebhookOutcome ok = deliver("checkout.session.async_payment_succeeded.json");
        assertEquals(Status.APPLIED, ok.status());
        assertEquals(500, balance());
        assertEquals(PurchaseStatus.COMPLETED, ledger.commerce().getPurchase("pi_test_async").orElseThrow().status());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.async_payment_succeeded.json").status());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.unpaid.json").status());
        assertEquals(500, balance());
        assertEquals(1, purchases().size());
    }

    @Test
    void asyncFailureFailsThePurchaseAndGrantsNothing() {
        deliver("checkout.session.completed.unpaid.json");
        WebhookOutcome failed = deliver("checkout.session.async_payment_failed.json");
        assertEquals(Status.APPLIED, failed.status());
        Purchase p = ledger.commerce().getPurchase("pi_test_async").orElseThrow();
        assertEquals(PurchaseStatus.FAILED, p.status());
        assertTrue(p.failureReason().contains("evt_test_async_ko"));
        assertEquals(Status.DUPLICATE, deliver("checkout.session.async_payment_failed.json").status());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.unpaid.json").status());
        assertEquals(0, balance());
    }

    @Test
    void asyncFailureBeforeTheCompletedEventRecordsAFailedPurchase() {
        assertEquals(Status.APPLIED, deliver("checkout.session.async_payment_failed.json").status());
        assertEquals(PurchaseStatus.FAILED, ledger.commerce().getPurchase("pi_test_async").orElseThrow().status());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.unpaid.json").status());
        assertEquals(0, balance());
        assertEquals(1, purchases().size());
    }

    @Test
    void asyncSuccessBeforeTheCompletedEventConvergesToOneCompletedPurchase() {
        assertEquals(Status.APPLIED, deliver("checkout.session.async_payment_succeeded.json").status());
        assertEquals(500, balance());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.unpaid.json").status());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.async_payment_succeeded.json").status());
        assertEquals(1, purchases().size());
        assertEquals(PurchaseStatus.COMPLETED, purchases().get(0).status());
        assertEquals(500, balance());
    }

    @Test
    void paidEventForAFailedPurchaseIsRejected() {
        deliver("checkout.session.async_payment_failed.json");
        StripeEventRejectedException e = assertThrows(StripeEventRejectedException.class,
                () -> deliver("checkout.session.async_payment_succeeded.json"));
        assertEquals(Reason.PURCHASE_STATE_CONFLICT, e.reason());
        assertEquals(0, balance());
    }

    @Test
    void aPaidCheckoutIsHonouredEvenIfThePolicyChangedSinceItWasOffered() {
        // Checked when the checkout was created; after that the money is in, so the credits are owed.
        ledger.plans().savePlan(Plan.of("free", "Free", 10).withCanBuyCredits(false));
        ledger.plans().assignPlan(ACCOUNT, "free");
        ledger.commerce().savePackage(ledger.commerce().getPackage("starter").orElseThrow().withActive(false));
        assertEquals(Status.APPLIED, deliver("checkout.session.completed.paid.json").status());
        assertEquals(500, balance());
        assertEquals(PurchaseStatus.COMPLETED, purchases().get(0).status());
    }

    @Test
    void aCustomAmountCheckoutGrantsItsCreditsAtTheQuotedPriceOnce() {
        CreditLedger priced = CreditLedger.builder().store(newStore()).clock(clock)
                .purchasePolicy(dev.credits.PurchasePolicy.DEFAULT.withCreditRate(Money.of("0.10", "USD"))
                        .withCustomAmountValidity("voice", java.time.Period.ofMonths(12)))
                .build();
        priced.openAccount(ACCOUNT);
        stripe = StripeCredits.builder().ledger(priced).webhookSecret(SECRET).clock(clock).build();
        Map<String, String> custom = Map.of("\"credits_package_id\": \"starter\"",
                "\"credits_custom_credits\": \"250\", \"credits_credit_type\": \"voice\","
                        + " \"credits_quoted_price\": \"20.00 USD\"");

        WebhookOutcome first = deliver("checkout.session.completed.paid.json", custom);
        WebhookOutcome again = deliver("checkout.session.completed.paid.json", custom);

        assertEquals(Status.APPLIED, first.status());
        assertEquals(Status.DUPLICATE, again.status());
        Purchase purchase = priced.commerce().listPurchases(ACCOUNT).get(0);
        assertEquals("voice", purchase.creditType());
        assertEquals(250, purchase.credits());
        assertEquals(0, new java.math.BigDecimal("20.00").compareTo(purchase.price().amount()),
                "the price it was sold at, not today's $25.00");
        assertEquals(250, priced.balance(ACCOUNT, "voice").available());
        assertEquals(Instant.parse("2027-03-01T12:00:00Z"),
                priced.balance(ACCOUNT, "voice").lots().get(0).expiresAt(), "the policy's validity for voice");
        assertEquals(1, priced.commerce().listPurchases(ACCOUNT).size());
    }

    // ---------------------------------------------------------------- subscriptions

    @Test
    void subscriptionCheckoutAssignsThePlanWithoutCredits() {
        WebhookOutcome o = deliver("checkout.session.completed.subscription.json");
        assertEquals(Status.APPLIED, o.status());
        assertEquals(ACCOUNT, o.accountId()); // from metadata: this session has no client_reference_id
        assertEquals(PlanChange.Kind.ASSIGNED, o.result(PlanChanged.class).orElseThrow().change().kind());
        assertEquals("basic", ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(0, balance());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.subscription.json").status());
    }

    @Test
    void invoicePaidStartsThePeriodOnceAndTheNextInvoiceRollsOver() {
        deliver("checkout.session.completed.subscription.json");
        WebhookOutcome first = deliver("invoice.paid.first.json");
        assertEquals(Status.APPLIED, first.status());
        PeriodResult period = first.result(PeriodPaid.class).orElseThrow().period();
        assertEquals(PeriodResult.Status.STARTED, period.status());
        assertEquals(PERIOD_1, period.start());
        assertEquals(PERIOD_2, period.end());
        assertEquals(Map.of("credits", 100L), period.granted());
        assertEquals(100, balance());

        WebhookOutcome again = deliver("invoice.paid.first.json");
        assertEquals(Status.DUPLICATE, again.status());
        assertEquals(PeriodResult.Status.ALREADY_STARTED,
                again.result(PeriodPaid.class).orElseThrow().period().status());
        assertEquals(100, balance());

        clock.set(PERIOD_2.plusSeconds(3600));
        WebhookOutcome renewal = deliver("invoice.paid.renewal.json");
        assertEquals(Status.APPLIED, renewal.status());
        PeriodResult next = renewal.result(PeriodPaid.class).orElseThrow().period();
        assertEquals(PeriodResult.Status.STARTED, next.status());
        assertEquals(Map.of("credits", 50L), next.rolledOver()); // rollover cap 50 of the unused 100
        assertEquals(Map.of("credits", 100L), next.granted());
        assertEquals(150, balance());
        assertEquals(Status.DUPLICATE, deliver("invoice.paid.renewal.json").status());

        // A late redelivery of the first invoice is stale: nothing changes.
        WebhookOutcome late = deliver("invoice.paid.first.json");
        assertEquals(Status.IGNORED, late.status());
        assertEquals(PeriodResult.Status.STALE,
                assertInstanceOf(PeriodPaid.class, late.result()).period().status(), "the ledger said why");
        assertEquals(150, balance());
    }

    @Test
    void firstInvoiceBeforeTheCheckoutEventAssignsThePlanItself() {
        WebhookOutcome first = deliver("invoice.paid.first.json");
        assertEquals(Status.APPLIED, first.status());
        assertEquals("basic", first.result(PeriodPaid.class).orElseThrow().period().planId());
        assertEquals("basic", ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(100, balance());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.subscription.json").status());
        assertEquals(100, balance());
    }

    @Test
    void upgradeGrantsTheDifferenceNowAndItsProrationInvoiceStartsNoPeriod() {
        deliver("invoice.paid.first.json");
        clock.set(Instant.parse("2026-03-15T00:00:00Z"));
        WebhookOutcome up = deliver("customer.subscription.updated.pro.json");
        assertEquals(Status.APPLIED, up.status());
        PlanChange change = up.result(PlanChanged.class).orElseThrow().change();
        assertEquals(PlanChange.Kind.UPGRADED, change.kind());
        assertEquals(Map.of("credits", 200L), change.granted());
        assertEquals(300, balance());
        assertEquals(Status.DUPLICATE, deliver("customer.subscription.updated.pro.json").status());

        WebhookOutcome proration = deliver("invoice.paid.proration.json");
        assertEquals(Status.DUPLICATE, proration.status());
        assertInstanceOf(ProrationPaid.class, proration.result()); // no period
        assertEquals(300, balance());
        assertEquals(PERIOD_1, ledger.getAccount(ACCOUNT).orElseThrow().periodStart());
    }

    @Test
    void prorationInvoiceArrivingBeforeTheUpdateAppliesTheUpgrade() {
        deliver("invoice.paid.first.json");
        clock.set(Instant.parse("2026-03-15T00:00:00Z"));
        WebhookOutcome proration = deliver("invoice.paid.proration.json");
        assertEquals(Status.APPLIED, proration.status());
        assertEquals(PlanChange.Kind.UPGRADED,
                proration.result(ProrationPaid.class).orElseThrow().planChange().orElseThrow().kind());
        assertEquals(300, balance());
        assertEquals(Status.DUPLICATE, deliver("customer.subscription.updated.pro.json").status());
        assertEquals(300, balance());
    }

    @Test
    void downgradeIsScheduledAndTakesOverWithTheRenewalInvoice() {
        deliver("invoice.paid.first.json", Map.of("price_basic_monthly", "price_pro_monthly"));
        assertEquals("pro", ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(300, balance());
        clock.set(Instant.parse("2026-03-15T00:00:00Z"));
        WebhookOutcome down = deliver("customer.subscription.updated.pro.json",
                Map.of("\"id\": \"price_pro_monthly\"", "\"id\": \"price_basic_monthly\""));
        assertEquals(Status.APPLIED, down.status());
        assertEquals(PlanChange.Kind.DOWNGRADE_SCHEDULED, down.result(PlanChanged.class).orElseThrow().change().kind());
        assertEquals("pro", ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(300, balance());
        // The current period's (pro) invoice redelivered must not cancel the scheduled downgrade.
        assertEquals(Status.DUPLICATE, deliver("invoice.paid.first.json",
                Map.of("price_basic_monthly", "price_pro_monthly")).status());
        assertEquals("basic", ledger.getAccount(ACCOUNT).orElseThrow().nextPlanId());

        clock.set(PERIOD_2.plusSeconds(3600));
        WebhookOutcome renewal = deliver("invoice.paid.renewal.json");
        assertEquals(Status.APPLIED, renewal.status());
        PeriodPaid r = renewal.result(PeriodPaid.class).orElseThrow();
        assertEquals("basic", r.period().planId());
        assertEquals(Map.of("credits", 100L), r.period().granted());
        assertEquals("basic", ledger.getAccount(ACCOUNT).orElseThrow().planId());
    }

    @Test
    void deletedEndsThePlanAndALaterInvoiceGrantsNothing() {
        deliver("invoice.paid.first.json");
        WebhookOutcome deleted = deliver("customer.subscription.deleted.json");
        assertEquals(Status.APPLIED, deleted.status());
        assertEquals(PlanChange.Kind.ENDED, deleted.result(PlanChanged.class).orElseThrow().change().kind());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(Status.DUPLICATE, deliver("customer.subscription.deleted.json").status());
        // A redelivered first invoice does not revive the plan either.
        WebhookOutcome redelivered = deliver("invoice.paid.first.json");
        assertTrue(redelivered.status() == Status.IGNORED || redelivered.status() == Status.DUPLICATE);
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(100, balance());

        clock.set(PERIOD_2.plusSeconds(3600));
        WebhookOutcome renewal = deliver("invoice.paid.renewal.json");
        assertEquals(Status.IGNORED, renewal.status());
        PeriodResult period = renewal.result(PeriodPaid.class).orElseThrow().period();
        assertEquals(PeriodResult.Status.NO_PLAN, period.status());
        assertTrue(period.granted().isEmpty());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
        // A late update is not a way back either.
        assertEquals(Status.IGNORED, deliver("customer.subscription.updated.pro.json").status());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
    }

    @Test
    void updatedToCanceledEndsThePlan() {
        deliver("invoice.paid.first.json");
        WebhookOutcome o = deliver("customer.subscription.updated.canceled.json");
        assertEquals(Status.APPLIED, o.status());
        assertEquals(PlanChange.Kind.ENDED, o.result(PlanChanged.class).orElseThrow().change().kind());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
    }

    @Test
    void deletedEventOfAnOlderSubscriptionForAnotherPlanIsIgnored() {
        deliver("invoice.paid.first.json", Map.of("price_basic_monthly", "price_pro_monthly"));
        WebhookOutcome o = deliver("customer.subscription.deleted.json"); // its price is basic's
        assertEquals(Status.IGNORED, o.status());
        assertEquals("pro", ledger.getAccount(ACCOUNT).orElseThrow().planId());
    }

    @Test
    void theDeletionOfAnOlderSubscriptionOnTheSamePlanLeavesThePlan() {
        // sub_test_1 on basic, then the customer subscribes to basic again (sub_test_2) before sub_test_1 ends.
        deliver("checkout.session.completed.subscription.json");
        Map<String, String> second = Map.of("sub_test_1", "sub_test_2", "evt_test_sub", "evt_test_sub_2",
                "cs_test_sub", "cs_test_sub_2");
        WebhookOutcome resubscribed = deliver("checkout.session.completed.subscription.json", second);
        assertEquals(Status.APPLIED, resubscribed.status());
        assertEquals("sub_test_2", ledger.getAccount(ACCOUNT).orElseThrow().subscriptionId());

        WebhookOutcome oldDeleted = deliver("customer.subscription.deleted.json"); // sub_test_1, basic's price

        assertEquals(Status.IGNORED, oldDeleted.status());
        assertEquals(PlanChange.Kind.UNCHANGED, oldDeleted.result(PlanChanged.class).orElseThrow().change().kind());
        assertEquals("basic", ledger.getAccount(ACCOUNT).orElseThrow().planId());
        WebhookOutcome currentDeleted = deliver("customer.subscription.deleted.json",
                Map.of("sub_test_1", "sub_test_2", "evt_test_sub_del", "evt_test_sub_del_2"));
        assertEquals(Status.APPLIED, currentDeleted.status());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().subscriptionId());
    }

    @Test
    void noEventOfAnOlderSubscriptionOnTheSamePlanChangesThePlan() {
        // sub_test_1 pays its first period on basic; the customer subscribes to basic again (sub_test_2).
        deliver("checkout.session.completed.subscription.json");
        deliver("invoice.paid.first.json");
        deliver("checkout.session.completed.subscription.json", Map.of("sub_test_1", "sub_test_2",
                "evt_test_sub", "evt_test_sub_2", "cs_test_sub", "cs_test_sub_2"));
        assertEquals("sub_test_2", ledger.getAccount(ACCOUNT).orElseThrow().subscriptionId());
        long sequence = ledger.getAccount(ACCOUNT).orElseThrow().sequence();

        // sub_test_1's renewal, its upgrade, its end by status and a redelivery of its checkout: all acknowledged
        // IGNORED, and none of them writes to the account.
        clock.set(PERIOD_2.plusSeconds(3600));
        WebhookOutcome renewal = deliver("invoice.paid.renewal.json");
        assertEquals(Status.IGNORED, renewal.status());
        assertTrue(renewal.description().contains("sub_test_2"), renewal.description());
        assertEquals(PERIOD_1, ledger.getAccount(ACCOUNT).orElseThrow().periodStart(), "no period started");
        assertEquals(Status.IGNORED, deliver("invoice.paid.proration.json").status());
        assertEquals(Status.IGNORED, deliver("customer.subscription.updated.pro.json").status());
        assertEquals(Status.IGNORED, deliver("customer.subscription.updated.canceled.json").status());
        assertEquals(Status.IGNORED, deliver("checkout.session.completed.subscription.json").status());
        Account account = ledger.getAccount(ACCOUNT).orElseThrow();
        assertEquals("basic", account.planId());
        assertNull(account.nextPlanId());
        assertEquals("sub_test_2", account.subscriptionId());
        assertEquals(sequence, account.sequence(), "nothing written");
        assertEquals(0, balance(), "period 1's allowance lapsed at its end; no period granted another");

        // The account's own subscription still acts: its renewal starts the period.
        WebhookOutcome own = deliver("invoice.paid.renewal.json", Map.of("sub_test_1", "sub_test_2",
                "evt_test_inv2", "evt_test_inv2_2", "in_test_inv2", "in_test_inv2_2"));
        assertEquals(Status.APPLIED, own.status());
        assertEquals(PERIOD_2, ledger.getAccount(ACCOUNT).orElseThrow().periodStart());
    }

    @Test
    void aFirstInvoiceBeforeItsCheckoutRecordsItsSubscription() {
        WebhookOutcome first = deliver("invoice.paid.first.json");
        assertEquals(Status.APPLIED, first.status());
        assertEquals("sub_test_1", ledger.getAccount(ACCOUNT).orElseThrow().subscriptionId());
        // Then another subscription's update (it names the account in its metadata) changes nothing.
        clock.set(Instant.parse("2026-03-15T00:00:00Z"));
        WebhookOutcome other = deliver("customer.subscription.updated.pro.json",
                Map.of("sub_test_1", "sub_test_9", "evt_test_sub_upd", "evt_test_sub_upd_9"));
        assertEquals(Status.IGNORED, other.status());
        assertEquals("basic", ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(100, balance());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.subscription.json").status());
        assertEquals("sub_test_1", ledger.getAccount(ACCOUNT).orElseThrow().subscriptionId());
    }

    // ---------------------------------------------------------------- refunds and disputes

    private static final Map<String, String> PARTIAL_REFUND = Map.of("\"amount_refunded\": 1099", "\"amount_refunded\": 500");

    private static Map<String, String> disputeClosed(String status) {
        return Map.of("\"type\": \"charge.dispute.created\"", "\"type\": \"charge.dispute.closed\"",
                "\"status\": \"needs_response\"", "\"status\": \"" + status + "\"",
                "\"id\": \"evt_test_dispute\"", "\"id\": \"evt_test_dispute_" + status + "\"");
    }

    private Purchase purchase() {
        return ledger.commerce().getPurchase("pi_test_paid").orElseThrow();
    }

    /** Spends credits of the account, so a clawback has to book debt. */
    private void spend(long credits) {
        ledger.saveFeaturePricing(dev.credits.FeatureDefinition.of("one_credit", "One credit", 1));
        assertTrue(ledger.deductCredits(dev.credits.DeductRequest.of(ACCOUNT, "one_credit").withQuantity(credits))
                .success());
    }

    @Test
    void aFullRefundClawsBackThePurchaseOnceAndSpentCreditsBecomeDebt() {
        deliver("checkout.session.completed.paid.json");
        spend(200);
        WebhookOutcome refund = deliver("charge.refunded.json");
        assertEquals(Status.APPLIED, refund.status());
        assertEquals(ACCOUNT, refund.accountId());
        for (int i = 0; i < 4; i++) {
            assertEquals(Status.DUPLICATE, deliver("charge.refunded.json").status());
        }
        assertEquals(500, purchase().clawedBack());
        assertEquals(-200, balance(), "the 200 spent credits are debt");
        assertEquals(-200, ledger.balance(ACCOUNT).total());
        // The next grant pays the debt first.
        assertEquals(200, ledger.grant(dev.credits.GrantRequest.of(ACCOUNT, 300)).debtPaid());
        assertEquals(100, balance());
    }

    @Test
    void partialRefundsInStepsClawBackInProportionAndNeverMoreThanGranted() {
        deliver("checkout.session.completed.paid.json");
        assertEquals(Status.APPLIED, deliver("charge.refunded.json", PARTIAL_REFUND).status());
        assertEquals(227, purchase().clawedBack(), "500/1099 of 500 credits = 227.48, half up");
        assertEquals(273, balance());
        assertEquals(Status.APPLIED, deliver("charge.refunded.json").status());
        assertEquals(500, purchase().clawedBack());
        // The partial refund redelivered late (amount_refunded is cumulative): nothing more.
        assertEquals(Status.DUPLICATE, deliver("charge.refunded.json", PARTIAL_REFUND).status());
        assertEquals(0, balance());
    }

    @Test
    void aRefundBeforeItsPurchaseIsRejectedForRedeliveryAndThenConverges() {
        StripeEventRejectedException early = assertThrows(StripeEventRejectedException.class,
                () -> deliver("charge.refunded.json"));
        assertEquals(Reason.UNKNOWN_PURCHASE, early.reason());
        assertTrue(purchases().isEmpty());
        deliver("checkout.session.completed.paid.json");
        assertEquals(Status.APPLIED, deliver("charge.refunded.json").status());
        assertEquals(0, balance());
        assertEquals(500, purchase().clawedBack());
    }

    @Test
    void aDisputeFreezesTheCreditsAndAWonDisputeGivesThemBack() {
        deliver("checkout.session.completed.paid.json");
        spend(100);
        assertEquals(Status.APPLIED, deliver("charge.dispute.created.json").status());
        assertEquals(Status.DUPLICATE, deliver("charge.dispute.created.json").status());
        assertEquals(400, purchase().frozenCredits());
        assertEquals(0, balance(), "frozen credits are not spendable");
        assertEquals(400, ledger.balance(ACCOUNT).total());
        assertEquals(Status.APPLIED, deliver("charge.dispute.created.json", disputeClosed("won")).status());
        assertEquals(Status.DUPLICATE, deliver("charge.dispute.created.json", disputeClosed("won")).status());
        assertEquals(400, balance());
        assertEquals(0, purchase().clawedBack());
        assertEquals(dev.credits.DisputeStatus.WON, purchase().disputeStatus());
    }

    @Test
    void aLostDisputeClawsBackAndALaterRefundDoesNotClawTwice() {
        deliver("checkout.session.completed.paid.json");
        spend(100);
        deliver("charge.dispute.created.json");
        assertEquals(Status.APPLIED, deliver("charge.dispute.created.json", disputeClosed("lost")).status());
        assertEquals(500, purchase().clawedBack());
        assertEquals(-100, balance());
        // The refund is recorded on the purchase, but its credits were already taken back by the dispute.
        deliver("charge.refunded.json");
        assertEquals(500, purchase().refundedCredits());
        assertEquals(500, purchase().clawedBack());
        assertEquals(-100, balance());
    }

    @Test
    void aRefundThenALostDisputeNeverClawMoreThanThePaymentGranted() {
        deliver("checkout.session.completed.paid.json");
        deliver("charge.refunded.json", PARTIAL_REFUND);
        deliver("charge.dispute.created.json");
        deliver("charge.dispute.created.json", disputeClosed("lost"));
        assertEquals(500, purchase().clawedBack());
        assertEquals(0, balance());
        assertEquals(0, ledger.balance(ACCOUNT).total());
    }

    @Test
    void aDisputeClosedBeforeItWasCreatedConverges() {
        deliver("checkout.session.completed.paid.json");
        assertEquals(Status.APPLIED, deliver("charge.dispute.created.json", disputeClosed("lost")).status());
        assertEquals(Status.DUPLICATE, deliver("charge.dispute.created.json").status());
        assertEquals(0, purchase().frozenCredits());
        assertEquals(500, purchase().clawedBack());
        assertEquals(0, balance());
        assertEquals(0, ledger.balance(ACCOUNT).held());
    }

    /** The charge of the first subscription invoice, paid by payment intent pi_invoice, without our metadata. */
    private static final Map<String, String> INVOICE_CHARGE = Map.of(
            "\"payment_intent\": \"pi_test_paid\"", "\"payment_intent\": \"pi_invoice\"",
            "\"metadata\": {\"credits_account_id\": \"org_1\", \"credits_package_id\": \"starter\"}",
            "\"metadata\": {}");
    private static final Map<String, String> INVOICE_DISPUTE = Map.of(
            "\"payment_intent\": \"pi_test_paid\"", "\"payment_intent\": \"pi_invoice\"");

    private static Map<String, String> invoiceDisputeClosed(String status) {
        Map<String, String> m = new java.util.HashMap<>(disputeClosed(status));
        m.putAll(INVOICE_DISPUTE);
        return m;
    }

    @Test
    void refundsAndDisputesOfAPaymentTheLedgerDoesNotKnowAreRefusedEvenWithoutMetadata() {
        // It may be a purchase whose checkout event is late: acknowledging it would lose it for good.
        for (StripeEventRejectedException e : List.of(
                assertThrows(StripeEventRejectedException.class, () -> deliver("charge.refunded.json", INVOICE_CHARGE)),
                assertThrows(StripeEventRejectedException.class,
                        () -> deliver("charge.dispute.created.json", INVOICE_DISPUTE)),
                assertThrows(StripeEventRejectedException.class,
                        () -> deliver("charge.dispute.created.json", invoiceDisputeClosed("lost"))))) {
            assertEquals(Reason.UNKNOWN_PURCHASE, e.reason());
        }
        assertEquals(0, ledger.getAccount(ACCOUNT).orElseThrow().sequence());
    }

    @Test
    void refundsAndDisputesOfASubscriptionInvoiceNamedOnItsInvoiceAreIgnored() {
        // API versions before 2025-03-31.basil name the invoice's payment intent on the invoice itself.
        deliver("invoice.paid.first.json", Map.of("\"status\": \"paid\"",
                "\"payment_intent\": \"pi_invoice\", \"status\": \"paid\""));
        assertEquals(ACCOUNT, ledger.findAccountLink("stripe:pi_invoice").orElseThrow().accountId());
        WebhookOutcome refund = deliver("charge.refunded.json", INVOICE_CHARGE);
        assertEquals(Status.IGNORED, refund.status());
        assertInstanceOf(NoResult.class, refund.result());
        assertEquals(ACCOUNT, refund.accountId());
        assertEquals(Status.IGNORED, deliver("charge.dispute.created.json", INVOICE_DISPUTE).status());
        assertEquals(Status.IGNORED, deliver("charge.dispute.created.json", invoiceDisputeClosed("lost")).status());
        assertEquals(100, balance(), "the allowance is not taken back");
    }

    @Test
    void refundsAndDisputesOfASubscriptionInvoiceNamedByInvoicePaymentPaidAreIgnored() {
        // Newer API versions name it only in invoice_payment.paid.
        deliver("invoice.paid.first.json");
        assertEquals(Reason.UNKNOWN_PURCHASE, assertThrows(StripeEventRejectedException.class,
                () -> deliver("charge.refunded.json", INVOICE_CHARGE)).reason());
        WebhookOutcome payment = deliver("invoice_payment.paid.json");
        assertEquals(Status.APPLIED, payment.status());
        assertEquals(ACCOUNT, payment.accountId());
        assertEquals(Status.DUPLICATE, deliver("invoice_payment.paid.json").status());
        assertEquals("in_test_inv1", ledger.findAccountLink("stripe:pi_invoice").orElseThrow().detail());

        assertEquals(Status.IGNORED, deliver("charge.refunded.json", INVOICE_CHARGE).status());
        assertEquals(Status.IGNORED, deliver("charge.dispute.created.json", INVOICE_DISPUTE).status());
        assertEquals(Status.IGNORED, deliver("charge.dispute.created.json", invoiceDisputeClosed("won")).status());
        assertEquals(100, balance());
    }

    @Test
    void anInvoicePaymentOfAnInvoiceNotKnownAsASubscriptionsRemembersNothing() {
        WebhookOutcome payment = deliver("invoice_payment.paid.json");
        assertEquals(Status.IGNORED, payment.status());
        assertTrue(ledger.findAccountLink("stripe:pi_invoice").isEmpty());
        assertEquals(Reason.UNKNOWN_PURCHASE, assertThrows(StripeEventRejectedException.class,
                () -> deliver("charge.refunded.json", INVOICE_CHARGE)).reason());
    }

    @Test
    void aChargeNamingASubscriptionInvoiceIsIgnored() {
        // API versions before 2025-03-31.basil put the invoice on the charge.
        deliver("invoice.paid.first.json");
        Map<String, String> charge = new java.util.HashMap<>(INVOICE_CHARGE);
        charge.put("\"paid\": true", "\"paid\": true, \"invoice\": \"in_test_inv1\"");
        assertEquals(Status.IGNORED, deliver("charge.refunded.json", charge).status());
        assertEquals(100, balance());
    }

    @Test
    void aChargeWithoutPaymentIntentIsNoCheckoutPaymentAndIgnored() {
        assertEquals(Status.IGNORED, deliver("charge.refunded.json",
                Map.of("\"payment_intent\": \"pi_test_paid\"", "\"payment_intent\": null")).status());
        assertEquals(Status.IGNORED, deliver("charge.dispute.created.json",
                Map.of("\"payment_intent\": \"pi_test_paid\"", "\"payment_intent\": null")).status());
    }

    // ---------------------------------------------------------------- results

    @Test
    void everyOutcomeCarriesTheLedgerAnswerOfItsFamily() {
        PurchaseChanged paid = assertInstanceOf(PurchaseChanged.class,
                deliver("checkout.session.completed.paid.json").result());
        assertEquals(PurchaseStatus.COMPLETED, paid.result().purchase().status());
        PurchaseChanged refunded = assertInstanceOf(PurchaseChanged.class,
                deliver("charge.refunded.json", PARTIAL_REFUND).result());
        assertEquals(227, refunded.result().purchase().clawedBack());
        PurchaseChanged disputed = assertInstanceOf(PurchaseChanged.class,
                deliver("charge.dispute.created.json").result());
        assertEquals(273, disputed.result().purchase().frozenCredits());

        PlanChanged assigned = assertInstanceOf(PlanChanged.class,
                deliver("checkout.session.completed.subscription.json").result());
        assertEquals("basic", assigned.change().planId());
        PeriodPaid period = assertInstanceOf(PeriodPaid.class, deliver("invoice.paid.first.json").result());
        assertEquals("basic", period.period().planId(), "the period is on the invoice's plan");
        assertEquals(PeriodResult.Status.STARTED, period.period().status());
        PaymentLinked linked = assertInstanceOf(PaymentLinked.class, deliver("invoice_payment.paid.json").result());
        assertEquals("stripe:pi_invoice", linked.link().reference());
        assertEquals("in_test_inv1", linked.link().detail());
        WebhookOutcome again = deliver("invoice_payment.paid.json");
        assertEquals(Status.DUPLICATE, again.status());
        assertEquals(linked, again.result(), "a redelivery carries the link as stored");
        assertInstanceOf(NoResult.class, deliver("charge.refunded.json", INVOICE_CHARGE).result());

        clock.set(Instant.parse("2026-03-15T00:00:00Z"));
        ProrationPaid proration = assertInstanceOf(ProrationPaid.class,
                deliver("invoice.paid.proration.json").result());
        assertEquals(PlanChange.Kind.UPGRADED, proration.planChange().orElseThrow().kind());
        PlanChanged ended = assertInstanceOf(PlanChanged.class,
                deliver("customer.subscription.updated.canceled.json").result());
        assertEquals(PlanChange.Kind.ENDED, ended.change().kind());
        assertEquals("pro", ended.change().previousPlanId());
        WebhookOutcome noPlan = deliver("customer.subscription.updated.pro.json");
        assertEquals(Status.IGNORED, noPlan.status());
        assertInstanceOf(NoResult.class, noPlan.result());
        assertEquals(Optional.empty(), noPlan.result(PlanChanged.class), "another kind of result reads as empty");
    }

    // ---------------------------------------------------------------- subscriptions without metadata

    /** The subscription metadata removed from an invoice. */
    private static final Map<String, String> NO_SUBSCRIPTION_METADATA = Map.of(
            "\"metadata\": {\"credits_account_id\": \"org_1\", \"credits_plan_id\": \"basic\"}", "\"metadata\": {}");

    @Test
    void invoicesAndSubscriptionEventsWithoutMetadataResolveThroughTheSubscriptionCheckout() {
        for (String event : List.of("invoice.paid.first.json", "customer.subscription.updated.pro.json",
                "customer.subscription.deleted.json")) {
            assertEquals(Reason.UNKNOWN_SUBSCRIPTION, assertThrows(StripeEventRejectedException.class,
                    () -> deliver(event, NO_SUBSCRIPTION_METADATA), event).reason());
        }
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());

        deliver("checkout.session.completed.subscription.json");
        dev.credits.AccountLink link = ledger.findAccountLink("stripe:sub_test_1").orElseThrow();
        assertEquals(ACCOUNT, link.accountId());
        assertEquals("basic", link.detail());

        WebhookOutcome first = deliver("invoice.paid.first.json", NO_SUBSCRIPTION_METADATA);
        assertEquals(Status.APPLIED, first.status());
        assertEquals(ACCOUNT, first.accountId());
        assertEquals(100, balance());
        clock.set(Instant.parse("2026-03-15T00:00:00Z"));
        WebhookOutcome up = deliver("customer.subscription.updated.pro.json", NO_SUBSCRIPTION_METADATA);
        assertEquals(Status.APPLIED, up.status());
        assertEquals("pro", ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(300, balance());
        WebhookOutcome deleted = deliver("customer.subscription.deleted.json",
                Map.of("\"metadata\": {\"credits_account_id\": \"org_1\", \"credits_plan_id\": \"basic\"}",
                        "\"metadata\": {}", "price_basic_monthly\", \"object\"", "price_pro_monthly\", \"object\""));
        assertEquals(Status.APPLIED, deleted.status());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
    }

    @Test
    void aSubscriptionFirstSeenWithMetadataIsRememberedForLaterEventsWithout() {
        // The first invoice ahead of the checkout names the account in its metadata: that links the subscription.
        assertEquals(Status.APPLIED, deliver("invoice.paid.first.json").status());
        assertEquals(ACCOUNT, ledger.findAccountLink("stripe:sub_test_1").orElseThrow().accountId());
        clock.set(PERIOD_2.plusSeconds(3600));
        WebhookOutcome renewal = deliver("invoice.paid.renewal.json", NO_SUBSCRIPTION_METADATA);
        assertEquals(Status.APPLIED, renewal.status());
        assertEquals(150, balance(), "100 + rollover 50 of the unused 100");
    }

    @Test
    void otherTypesAreIgnored() {
        WebhookOutcome o = deliver("payment_intent.succeeded.json");
        assertEquals(Status.IGNORED, o.status());
        assertInstanceOf(NoResult.class, o.result());
        assertEquals(0, balance());
        assertTrue(purchases().isEmpty());
    }

    // ---------------------------------------------------------------- rejected deliveries

    @Test
    void forgedAndStaleSignaturesChangeNothing() {
        byte[] payload = Events.load("checkout.session.completed.paid.json", Map.of())
                .getBytes(StandardCharsets.UTF_8);
        long now = clock.instant().getEpochSecond();
        WebhookSignatureException forged = assertThrows(WebhookSignatureException.class,
                () -> stripe.handleWebhook(payload, Events.sign("whsec_wrong", payload, now)));
        assertEquals(WebhookSignatureException.Reason.NO_MATCHING_SIGNATURE, forged.reason());

        byte[] tampered = new String(payload, StandardCharsets.UTF_8).replace("\"starter\"", "\"startes\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(WebhookSignatureException.class,
                () -> stripe.handleWebhook(tampered, Events.sign(SECRET, payload, now)));

        WebhookSignatureException stale = assertThrows(WebhookSignatureException.class,
                () -> stripe.handleWebhook(payload, Events.sign(SECRET, payload, now - 301)));
        assertEquals(WebhookSignatureException.Reason.TIMESTAMP_OUTSIDE_TOLERANCE, stale.reason());

        assertThrows(WebhookSignatureException.class, () -> stripe.handleWebhook(payload, null));
        assertEquals(0, balance());
        assertTrue(purchases().isEmpty());
    }

    @Test
    void malformedJsonIsAPayloadError() {
        String body = "{\"id\": \"evt_1\", \"type\": \"checkout.session.completed\", \"data\": ";
        assertThrows(WebhookPayloadException.class, () -> stripe.handleWebhook(body,
                Events.sign(SECRET, body.getBytes(StandardCharsets.UTF_8), clock.instant().getEpochSecond())));
        assertTrue(purchases().isEmpty());
    }

    /** Everything a webhook can change: the account, its balance, its purchases, the links of the story's ids. */
    private String everything() {
        return ledger.getAccount(ACCOUNT).orElseThrow() + " " + ledger.balances(ACCOUNT) + " " + purchases() + " "
                + ledger.findAccountLink("stripe:sub_test_1") + " " + ledger.findAccountLink("stripe:in_test_inv1");
    }

    private void assertPayloadErrorChangesNothing(String event, Map<String, String> replacements) {
        String before = everything();
        assertThrows(WebhookPayloadException.class, () -> deliver(event, replacements),
                () -> event + " " + replacements);
        assertEquals(before, everything(), () -> event + " " + replacements);
    }

    @Test
    void outOfRangeNumbersAreAPayloadErrorAndChangeNothing() {
        for (String bad : List.of("9223372036854775807", "-1", "253402300800", "99999999999999999999", "1772323200.5",
                "\"1772323200\"")) {
            assertPayloadErrorChangesNothing("invoice.paid.first.json",
                    Map.of("\"period\": {\"end\": 1775001600, \"start\": 1772323200}",
                            "\"period\": {\"end\": 1775001600, \"start\": " + bad + "}"));
            assertPayloadErrorChangesNothing("checkout.session.completed.paid.json",
                    Map.of("\"created\": 1772366400", "\"created\": " + bad));
        }
        deliver("checkout.session.completed.paid.json");
        for (String bad : List.of("-5", "99999999999999999999", "10.5", "\"1099\"", "true", "{}")) {
            assertPayloadErrorChangesNothing("charge.refunded.json",
                    Map.of("\"amount_refunded\": 1099", "\"amount_refunded\": " + bad));
            assertPayloadErrorChangesNothing("charge.refunded.json", Map.of("\"amount\": 1099,", "\"amount\": " + bad
                    + ","));
            assertPayloadErrorChangesNothing("charge.dispute.created.json", Map.of("\"amount\": 1099",
                    "\"amount\": " + bad));
        }
        // More refunded than charged, and a refund of a charge of nothing.
        assertPayloadErrorChangesNothing("charge.refunded.json", Map.of("\"amount_refunded\": 1099",
                "\"amount_refunded\": 1100"));
        assertPayloadErrorChangesNothing("charge.refunded.json", Map.of("\"amount\": 1099,", "\"amount\": 0,",
                "\"amount_refunded\": 1099", "\"amount_refunded\": 0"));
        assertEquals(500, balance());
        assertEquals(0, purchase().clawedBack());
    }

    @Test
    void anExpandedPaymentIntentIsReadByItsStringIdOrRejected() {
        String field = "\"payment_intent\": \"pi_test_paid\"";
        for (String bad : List.of("{\"id\": 42, \"object\": \"payment_intent\"}",
                "{\"id\": null, \"object\": \"payment_intent\"}", "{\"object\": \"payment_intent\"}",
                "{\"id\": {\"id\": \"pi_test_paid\"}}", "{\"id\": \"  \"}", "42", "[\"pi_test_paid\"]", "true")) {
            assertPayloadErrorChangesNothing("checkout.session.completed.paid.json",
                    Map.of(field, "\"payment_intent\": " + bad));
            assertPayloadErrorChangesNothing("charge.refunded.json", Map.of(field, "\"payment_intent\": " + bad));
        }
        assertTrue(purchases().isEmpty());
        WebhookOutcome expanded = deliver("checkout.session.completed.paid.json",
                Map.of(field, "\"payment_intent\": {\"id\": \"pi_test_paid\", \"object\": \"payment_intent\"}"));
        assertEquals(Status.APPLIED, expanded.status());
        assertEquals(Status.DUPLICATE, deliver("checkout.session.completed.paid.json").status());
        assertEquals("pi_test_paid", purchases().get(0).purchaseId());
        assertEquals(1, purchases().size());
        assertEquals(500, balance());
    }

    @Test
    void wrongJsonTypesAreAPayloadErrorAndChangeNothing() {
        assertPayloadErrorChangesNothing("checkout.session.completed.paid.json",
                Map.of("\"mode\": \"payment\"", "\"mode\": 1"));
        assertPayloadErrorChangesNothing("checkout.session.completed.paid.json",
                Map.of("\"client_reference_id\": \"org_1\"", "\"client_reference_id\": [\"org_1\"]"));
        assertPayloadErrorChangesNothing("checkout.session.completed.paid.json",
                Map.of("\"credits_package_id\": \"starter\"", "\"credits_package_id\": 7"));
        assertPayloadErrorChangesNothing("checkout.session.completed.paid.json",
                Map.of("\"metadata\": {\"credits_account_id\": \"org_1\", \"credits_package_id\": \"starter\"}",
                        "\"metadata\": \"org_1\""));
        assertPayloadErrorChangesNothing("checkout.session.completed.paid.json",
                Map.of("\"livemode\": false,\n  \"pending", "\"livemode\": \"no\",\n  \"pending"));
        assertPayloadErrorChangesNothing("invoice.paid.first.json",
                Map.of("\"lines\": {", "\"lines\": {\"data\": 5}, \"x\": {"));
        assertPayloadErrorChangesNothing("invoice.paid.first.json",
                Map.of("\"parent\": {\n        \"quote_details\"", "\"parent\": 3, \"p\": {\n        \"quote_details\""));
        assertPayloadErrorChangesNothing("customer.subscription.updated.pro.json",
                Map.of("\"cancel_at_period_end\": false", "\"cancel_at_period_end\": \"false\""));
        assertPayloadErrorChangesNothing("customer.subscription.updated.pro.json",
                Map.of("\"items\": {", "\"items\": {\"data\": {}}, \"x\": {"));
        assertPayloadErrorChangesNothing("charge.dispute.created.json",
                Map.of("\"reason\": \"fraudulent\"", "\"reason\": false"));
        assertTrue(purchases().isEmpty());
        assertEquals(0, balance());
    }

    @Test
    void unknownAccountIsRejectedWithNothingChanged() {
        Map<String, String> other = Map.of("org_1", "org_404");
        StripeEventRejectedException e = assertThrows(StripeEventRejectedException.class,
                () -> deliver("checkout.session.completed.paid.json", other));
        assertEquals(Reason.UNKNOWN_ACCOUNT, e.reason());
        assertEquals("evt_test_paid", e.eventId());
        assertEquals(Reason.UNKNOWN_ACCOUNT, assertThrows(StripeEventRejectedException.class,
                () -> deliver("invoice.paid.first.json", other)).reason());
        assertEquals(Reason.UNKNOWN_ACCOUNT, assertThrows(StripeEventRejectedException.class,
                () -> deliver("customer.subscription.deleted.json", other)).reason());
        assertTrue(ledger.getAccount("org_404").isEmpty());
        assertTrue(ledger.commerce().getPurchase("pi_test_paid").isEmpty());
        assertEquals(0, balance());
    }

    @Test
    void unknownPackageOrPlanIsRejectedWithNothingChanged() {
        assertEquals(Reason.UNKNOWN_PACKAGE, assertThrows(StripeEventRejectedException.class,
                () -> deliver("checkout.session.completed.paid.json", Map.of("\"starter\"", "\"gold\""))).reason());
        assertEquals(Reason.MISSING_PACKAGE, assertThrows(StripeEventRejectedException.class,
                () -> deliver("checkout.session.completed.paid.json",
                        Map.of(", \"credits_package_id\": \"starter\"", ""))).reason());
        // An unmapped price falls back to the plan metadata; an unknown plan there is rejected.
        assertEquals(Reason.UNKNOWN_PLAN, assertThrows(StripeEventRejectedException.class,
                () -> deliver("invoice.paid.first.json", Map.of("price_basic_monthly", "price_other",
                        "\"credits_plan_id\": \"basic\"", "\"credits_plan_id\": \"platinum\""))).reason());
        assertEquals(Reason.MISSING_PLAN, assertThrows(StripeEventRejectedException.class,
                () -> deliver("invoice.paid.first.json", Map.of("price_basic_monthly", "price_other",
                        ", \"credits_plan_id\": \"basic\"", ""))).reason());
        assertTrue(purchases().isEmpty());
        assertNull(ledger.getAccount(ACCOUNT).orElseThrow().planId());
        assertEquals(0, balance());
    }

    @Test
    void missingAccountIsRejected() {
        assertEquals(Reason.MISSING_ACCOUNT, assertThrows(StripeEventRejectedException.class,
                () -> deliver("checkout.session.completed.paid.json", Map.of("\"client_reference_id\": \"org_1\"",
                        "\"client_reference_id\": null", "\"credits_account_id\": \"org_1\", ", ""))).reason());
    }

    @Test
    void builderRequiresLedgerAndSecretAndUniquePrices() {
        assertThrows(IllegalStateException.class, () -> StripeCredits.builder().webhookSecret(SECRET).build());
        assertThrows(IllegalStateException.class, () -> StripeCredits.builder().ledger(ledger).build());
        assertThrows(IllegalStateException.class, () -> StripeCredits.builder().ledger(ledger).webhookSecret(SECRET)
                .planPrice("basic", "price_x").planPrice("pro", "price_x").build());
        assertEquals("basic", stripe.planOfPrice("price_basic_monthly").orElseThrow());
        assertEquals("price_starter", stripe.priceOfPackage("starter").orElseThrow());
    }
}
