package dev.credits.stripe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.InvalidArgumentException;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.RejectionReason;
import dev.credits.UnknownAccountException;
import dev.credits.memory.InMemoryCreditStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkout helpers of {@link StripeCredits} against the JDK's HttpServer on 127.0.0.1. */
class StripeCreditsCheckoutTest {

    private static final String OK = "https://app.example/ok";
    private static final String CANCEL = "https://app.example/cancel";

    /** One request the fake Stripe saw. */
    record Seen(String path, String idempotencyKey, Map<String, String> form) {
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private CreditLedger ledger;
    private StripeCredits stripe;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        Events.MutableClock clock = new Events.MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        ledger = CreditLedger.builder().store(new InMemoryCreditStore()).clock(clock).build();
        ledger.openAccount("org_1");
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 500, Money.of("10.99", "USD")));
        ledger.commerce().savePackage(CreditPackage.of("unpriced", "Unpriced", 5, Money.of("1.00", "USD")));
        ledger.commerce().savePackage(CreditPackage.of("retired", "Retired", 5, Money.of("1.00", "USD")).withActive(false));
        ledger.plans().savePlan(Plan.of("basic", "Basic", 100));
        ledger.plans().savePlan(Plan.of("legacy", "Legacy", 100).withActive(false));
        stripe = StripeCredits.builder()
                .ledger(ledger)
                .webhookSecret("whsec_test")
                .clock(clock)
                .stripeClient(new StripeClient(StripeClientConfig.of("sk_test_123").withApiBase(base)))
                .packagePrice("starter", "price_starter")
                .packagePrice("retired", "price_retired")
                .planPrice("basic", "price_basic_monthly")
                .planPrice("legacy", "price_legacy")
                .build();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        seen.add(new Seen(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Idempotency-Key"), form));
        byte[] out = ("{\"id\":\"cs_test_" + seen.size() + "\",\"object\":\"checkout.session\","
                + "\"url\":\"https://checkout.stripe.com/c/pay/cs_test_" + seen.size() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    @Test
    void customAmountCheckoutSendsTheQuotedPriceInlineWithWhatWasSold() {
        CreditLedger priced = CreditLedger.builder().store(new InMemoryCreditStore())
                .purchasePolicy(dev.credits.PurchasePolicy.DEFAULT.withCreditRate(Money.of("0.10", "USD"))
                        .withMinimumPurchase(Money.of("5.00", "USD"))
                        .withBulkDiscounts(List.of(dev.credits.BulkDiscount.of(1_000, "10"))))
                .build();
        priced.openAccount("org_2");
        StripeCredits shop = StripeCredits.builder().ledger(priced).webhookSecret("whsec_test")
                .stripeClient(new StripeClient(StripeClientConfig.of("sk_test_123")
                        .withApiBase(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))))
                .build();

        shop.createCustomAmountCheckout("org_2", 1_000, "voice", null, OK, CANCEL, CheckoutOptions.attempt("a1"));

        Map<String, String> f = seen.get(0).form();
        assertEquals("payment", f.get("mode"));
        assertNull(f.get("line_items[0][price]"));
        assertEquals("usd", f.get("line_items[0][price_data][currency]"));
        assertEquals("9000", f.get("line_items[0][price_data][unit_amount]"), "$100 less 10% bulk");
        assertEquals("1000 voice", f.get("line_items[0][price_data][product_data][name]"));
        assertEquals("1000", f.get("metadata[credits_custom_credits]"));
        assertEquals("voice", f.get("metadata[credits_credit_type]"));
        assertEquals("90.00 USD", f.get("metadata[credits_quoted_price]"));
        assertEquals("org_2", f.get("payment_intent_data[metadata][credits_account_id]"));
        assertTrue(seen.get(0).idempotencyKey().startsWith("credits-checkout-credits-"));
        CheckoutUnavailableException below = assertThrows(CheckoutUnavailableException.class,
                () -> shop.createCustomAmountCheckout("org_2", 10, null, null, OK, CANCEL,
                        CheckoutOptions.attempt("a2")));
        assertEquals(RejectionReason.BELOW_MINIMUM_PURCHASE, below.rejection());
        assertEquals(1, seen.size(), "nothing sent for a rejected amount");
    }

    @Test
    void packageCheckoutSendsPriceReferenceAndMetadata() {
        CheckoutSession session = stripe.createCheckoutSession("org_1", "starter", OK, CANCEL, "cart_7");
        assertEquals("cs_test_1", session.id());
        Seen s = seen.get(0);
        assertEquals("/v1/checkout/sessions", s.path());
        Map<String, String> f = s.form();
        assertEquals("payment", f.get("mode"));
        assertEquals("price_starter", f.get("line_items[0][price]"));
        assertEquals("1", f.get("line_items[0][quantity]"));
        assertEquals("org_1", f.get("client_reference_id"));
        assertEquals("org_1", f.get("metadata[credits_account_id]"));
        assertEquals("starter", f.get("metadata[credits_package_id]"));
        assertEquals("org_1", f.get("payment_intent_data[metadata][credits_account_id]"));
        assertEquals("starter", f.get("payment_intent_data[metadata][credits_package_id]"));
        assertEquals(OK, f.get("success_url"));
        assertEquals(CANCEL, f.get("cancel_url"));
        assertTrue(s.idempotencyKey().startsWith("credits-checkout-payment-"), s.idempotencyKey());
    }

    @Test
    void derivedIdempotencyKeyIsDeterministicPerAttempt() {
        stripe.createCheckoutSession("org_1", "starter", OK, CANCEL, "cart_7");
        stripe.createCheckoutSession("org_1", "starter", OK, CANCEL, "cart_7");
        stripe.createCheckoutSession("org_1", "starter", OK, CANCEL, "cart_8");
        stripe.createSubscriptionCheckout("org_1", "basic", OK, CANCEL, "cart_7");
        assertEquals(seen.get(0).idempotencyKey(), seen.get(1).idempotencyKey());
        assertNotEquals(seen.get(0).idempotencyKey(), seen.get(2).idempotencyKey());
        assertNotEquals(seen.get(0).idempotencyKey(), seen.get(3).idempotencyKey());
        assertTrue(seen.get(0).idempotencyKey().length() <= 255);
    }

    @Test
    void explicitKeyExtraParamsAndCustomer() {
        stripe.createCheckoutSession("org_1", "starter", OK, CANCEL,
                CheckoutOptions.idempotencyKey("my-key-1").withExtraParams(Map.of("allow_promotion_codes", "true"))
                        .withCustomerId("cus_1"));
        Seen s = seen.get(0);
        assertEquals("my-key-1", s.idempotencyKey());
        assertEquals("true", s.form().get("allow_promotion_codes"));
        assertEquals("cus_1", s.form().get("customer"));
        // Parameters credits sets cannot be overridden, and nothing is sent.
        assertThrows(InvalidArgumentException.class, () -> stripe.createCheckoutSession("org_1", "starter", OK,
                CANCEL, CheckoutOptions.attempt("a").withExtraParams(Map.of("client_reference_id", "x"))));
        assertEquals(1, seen.size());
        // Exactly one idempotency source.
        assertThrows(InvalidArgumentException.class, () -> new CheckoutOptions(null, null, null, null, null));
        assertThrows(InvalidArgumentException.class, () -> new CheckoutOptions("a", "b", null, null, null));
    }

    @Test
    void subscriptionCheckoutSendsPlanPriceAndSubscriptionMetadata() {
        stripe.createSubscriptionCheckout("org_1", "basic", OK, CANCEL, "cart_9");
        Seen s = seen.get(0);
        Map<String, String> f = s.form();
        assertEquals("subscription", f.get("mode"));
        assertEquals("price_basic_monthly", f.get("line_items[0][price]"));
        assertEquals("org_1", f.get("client_reference_id"));
        assertEquals("org_1", f.get("metadata[credits_account_id]"));
        assertEquals("basic", f.get("metadata[credits_plan_id]"));
        assertEquals("org_1", f.get("subscription_data[metadata][credits_account_id]"));
        assertEquals("basic", f.get("subscription_data[metadata][credits_plan_id]"));
        assertNull(f.get("payment_intent_data[metadata][credits_account_id]"));
        assertTrue(s.idempotencyKey().startsWith("credits-checkout-subscription-"), s.idempotencyKey());
    }

    @Test
    void unknownOrUnmappedItemsFailBeforeAnyHttpCall() {
        assertEquals(CheckoutUnavailableException.Reason.UNKNOWN_PACKAGE, assertThrows(
                CheckoutUnavailableException.class,
                () -> stripe.createCheckoutSession("org_1", "gold", OK, CANCEL, "a")).reason());
        assertEquals(CheckoutUnavailableException.Reason.NO_PRICE_FOR_PACKAGE, assertThrows(
                CheckoutUnavailableException.class,
                () -> stripe.createCheckoutSession("org_1", "unpriced", OK, CANCEL, "a")).reason());
        CheckoutUnavailableException inactive = assertThrows(CheckoutUnavailableException.class,
                () -> stripe.createCheckoutSession("org_1", "retired", OK, CANCEL, "a"));
        assertEquals(CheckoutUnavailableException.Reason.PURCHASE_NOT_ALLOWED, inactive.reason());
        assertEquals(RejectionReason.INACTIVE_PACKAGE, inactive.rejection());
        assertEquals(CheckoutUnavailableException.Reason.UNKNOWN_PLAN, assertThrows(
                CheckoutUnavailableException.class,
                () -> stripe.createSubscriptionCheckout("org_1", "platinum", OK, CANCEL, "a")).reason());
        assertEquals(CheckoutUnavailableException.Reason.INACTIVE_PLAN, assertThrows(
                CheckoutUnavailableException.class,
                () -> stripe.createSubscriptionCheckout("org_1", "legacy", OK, CANCEL, "a")).reason());
        ledger.plans().savePlan(Plan.of("unpriced_plan", "Unpriced", 1));
        assertEquals(CheckoutUnavailableException.Reason.NO_PRICE_FOR_PLAN, assertThrows(
                CheckoutUnavailableException.class,
                () -> stripe.createSubscriptionCheckout("org_1", "unpriced_plan", OK, CANCEL, "a")).reason());
        assertThrows(UnknownAccountException.class,
                () -> stripe.createCheckoutSession("org_404", "starter", OK, CANCEL, "a"));
        assertThrows(UnknownAccountException.class,
                () -> stripe.createSubscriptionCheckout("org_404", "basic", OK, CANCEL, "a"));
        assertTrue(seen.isEmpty());
    }

    @Test
    void checkoutWithoutAClientIsAnIllegalState() {
        StripeCredits webhooksOnly = StripeCredits.builder().ledger(ledger).webhookSecret("whsec_x").build();
        assertThrows(IllegalStateException.class,
                () -> webhooksOnly.createCheckoutSession("org_1", "starter", OK, CANCEL, "a"));
        assertTrue(seen.isEmpty());
    }

    @Test
    void customMetadataKeys() {
        StripeCredits custom = StripeCredits.builder().ledger(ledger).webhookSecret("whsec_x")
                .stripeClient(new StripeClient(StripeClientConfig.of("sk_test_1")
                        .withApiBase(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))))
                .packagePrice("starter", "price_starter")
                .accountMetadataKey("acct").packageMetadataKey("pkg").planMetadataKey("plan").build();
        custom.createCheckoutSession("org_1", "starter", OK, CANCEL, "a");
        assertEquals("org_1", seen.get(0).form().get("payment_intent_data[metadata][acct]"));
        assertEquals("starter", seen.get(0).form().get("metadata[pkg]"));
    }
}
