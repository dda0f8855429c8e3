package dev.credits.stripe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.credits.InvalidArgumentException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkout Session creation against the JDK's HttpServer on 127.0.0.1 standing in for the Stripe API. */
class StripeClientTest {

    private static final String KEY = "sk_test_51SecretKeyThatMustNeverBeLogged";

    /** What the fake Stripe saw. */
    record Seen(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : String.join(",", v);
        }

        /** The body decoded as a form; keys kept in order; a repeated key fails the test. */
        Map<String, String> form() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                assertNull(out.put(k, v), "repeated form key " + k);
            }
            return out;
        }
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String responseBody = "{\"id\":\"cs_test_123\",\"object\":\"checkout.session\","
            + "\"url\":\"https://checkout.stripe.com/c/pay/cs_test_123\",\"unknown\":{\"x\":1}}";
    private volatile Map<String, String> responseHeaders = Map.of("Request-Id", "req_ok");
    private StripeClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        client = new StripeClient(StripeClientConfig.of(KEY).withApiBase(base));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, body));
        byte[] out = responseBody.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        responseHeaders.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private Seen only() {
        assertEquals(1, seen.size());
        return seen.get(0);
    }

    @Test
    void paymentMode() {
        CheckoutSession session = client.createCheckoutSession(
                CheckoutSessionRequest.payment("price_pkg1000", "https://app.example/ok?s={CHECKOUT_SESSION_ID}",
                                "https://app.example/cancel")
                        .withClientReferenceId("org_42")
                        .withMetadata(Map.of("credits_account", "org_42", "credits_package", "pkg 1000 & more"))
                        .withCustomerEmail("ann+credits@example.com")
                        .withIdempotencyKey("checkout:org_42:cart_7")
                        .withExtraParams(Map.of("allow_promotion_codes", "true")));
        assertEquals(new CheckoutSession("cs_test_123", "https://checkout.stripe.com/c/pay/cs_test_123"), session);

        Seen s = only();
        assertEquals("POST", s.method());
        assertEquals("/v1/checkout/sessions", s.path());
        assertEquals("Bearer " + KEY, s.header("authorization"));
        assertEquals(StripeClientConfig.DEFAULT_STRIPE_VERSION, s.header("stripe-version"));
        assertEquals("2026-07-29.dahlia", s.header("stripe-version"));
        assertEquals("checkout:org_42:cart_7", s.header("idempotency-key"));
        assertEquals("application/x-www-form-urlencoded", s.header("content-type"));
        // Bracket keys travel literally, values are URL-encoded.
        assertTrue(s.body().contains("line_items[0][price]=price_pkg1000"), s.body());
        assertTrue(s.body().contains("success_url=https%3A%2F%2Fapp.example%2Fok%3Fs%3D%7BCHECKOUT_SESSION_ID%7D"),
                s.body());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("mode", "payment");
        expected.put("line_items[0][price]", "price_pkg1000");
        expected.put("line_items[0][quantity]", "1");
        expected.put("success_url", "https://app.example/ok?s={CHECKOUT_SESSION_ID}");
        expected.put("cancel_url", "https://app.example/cancel");
        expected.put("client_reference_id", "org_42");
        expected.put("customer_email", "ann+credits@example.com");
        expected.put("metadata[credits_account]", "org_42");
        expected.put("payment_intent_data[metadata][credits_account]", "org_42");
        expected.put("metadata[credits_package]", "pkg 1000 & more");
        expected.put("payment_intent_data[metadata][credits_package]", "pkg 1000 & more");
        expected.put("allow_promotion_codes", "true");
        assertEquals(expected, s.form());
    }

    @Test
    void subscriptionMode() {
        CheckoutSession session = client.createCheckoutSession(
                CheckoutSessionRequest.subscription("price_monthly", "https://app.example/ok", "https://app.example/no")
                        .withClientReferenceId("org_9")
                        .withCustomerId("cus_123")
                        .withQuantity(3)
                        .withMetadata(Map.of("credits_account", "org_9", "credits_plan", "plan_monthly_500"))
                        .withIdempotencyKey("sub:org_9:1")
                        .withExtraParams(Map.of("subscription_data[trial_period_days]", "7")));
        assertEquals("cs_test_123", session.id());

        Seen s = only();
        assertEquals("POST", s.method());
        assertEquals("/v1/checkout/sessions", s.path());
        assertEquals("Bearer " + KEY, s.header("authorization"));
        assertEquals("2026-07-29.dahlia", s.header("stripe-version"));
        assertEquals("sub:org_9:1", s.header("idempotency-key"));
        assertEquals("application/x-www-form-urlencoded", s.header("content-type"));
        assertEquals(Map.ofEntries(
                Map.entry("mode", "subscription"),
                Map.entry("line_items[0][price]", "price_monthly"),
                Map.entry("line_items[0][quantity]", "3"),
                Map.entry("success_url", "https://app.example/ok"),
                Map.entry("cancel_url", "https://app.example/no"),
                Map.entry("client_reference_id", "org_9"),
                Map.entry("customer", "cus_123"),
                Map.entry("metadata[credits_account]", "org_9"),
                Map.entry("subscription_data[metadata][credits_account]", "org_9"),
                Map.entry("metadata[credits_plan]", "plan_monthly_500"),
                Map.entry("subscription_data[metadata][credits_plan]", "plan_monthly_500"),
                Map.entry("subscription_data[trial_period_days]", "7")), s.form());
    }

    @Test
    void billingPortalSessionIsOneCall() {
        responseBody = "{\"id\":\"bps_123\",\"object\":\"billing_portal.session\","
                + "\"url\":\"https://billing.stripe.com/p/session/test_123\"}";
        BillingPortalSession session = client.createBillingPortalSession("cus_123", "https://app.example/account");
        assertEquals(new BillingPortalSession("bps_123", "https://billing.stripe.com/p/session/test_123"), session);
        Seen s = only();
        assertEquals("POST", s.method());
        assertEquals("/v1/billing_portal/sessions", s.path());
        assertEquals(Map.of("customer", "cus_123", "return_url", "https://app.example/account"), s.form());
        assertThrows(dev.credits.InvalidArgumentException.class,
                () -> client.createBillingPortalSession(" ", "https://app.example/account"));
        assertEquals(1, seen.size(), "nothing sent for a blank customer");
    }

    @Test
    void minimalRequestSendsNoOptionalFieldsAndNoIdempotencyKey() {
        client.createCheckoutSession(CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no"));
        Seen s = only();
        assertNull(s.header("idempotency-key"));
        assertEquals(Map.of("mode", "payment", "line_items[0][price]", "price_1", "line_items[0][quantity]", "1",
                "success_url", "https://a/ok", "cancel_url", "https://a/no"), s.form());
    }

    @Test
    void stripeVersionCanBeOverridden() {
        StripeClient other = new StripeClient(client.config().withStripeVersion("2025-03-31.basil"));
        other.createCheckoutSession(CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no"));
        assertEquals("2025-03-31.basil", only().header("stripe-version"));
    }

    @Test
    void stripeErrorResponseIsMapped() {
        status = 400;
        responseHeaders = Map.of("Request-Id", "req_abc123");
        responseBody = """
                {"error":{"type":"invalid_request_error","code":"resource_missing",
                 "message":"No such price: 'price_nope'","param":"line_items[0][price]",
                 "doc_url":"https://stripe.com/docs/error-codes/resource-missing"}}""";
        StripeApiException e = assertThrows(StripeApiException.class, () -> client.createCheckoutSession(
                CheckoutSessionRequest.payment("price_nope", "https://a/ok", "https://a/no")));
        assertEquals(400, e.httpStatus());
        assertEquals("invalid_request_error", e.type());
        assertEquals("resource_missing", e.code());
        assertEquals("No such price: 'price_nope'", e.stripeMessage());
        assertEquals("line_items[0][price]", e.param());
        assertEquals("req_abc123", e.requestId());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("No such price"), e.getMessage());
        assertTrue(e.getMessage().contains("resource_missing"), e.getMessage());
        assertInstanceOf(dev.credits.CreditsException.class, e);
    }

    @Test
    void unauthorizedIsMappedWithoutTheKey() {
        status = 401;
        responseHeaders = Map.of("Request-Id", "req_401");
        responseBody = "{\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"Invalid API Key provided: sk_test_********************Logged\"}}";
        StripeApiException e = assertThrows(StripeApiException.class, () -> client.createCheckoutSession(
                CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no")));
        assertEquals(401, e.httpStatus());
        assertEquals("invalid_request_error", e.type());
        assertNull(e.code());
        assertNull(e.param());
        assertEquals("req_401", e.requestId());
        assertFalse(e.retryable());
        assertFalse(e.getMessage().contains(KEY));
    }

    @Test
    void serverErrorsAndRateLimitsAreRetryable() {
        status = 500;
        responseBody = "<html>bad gateway</html>";
        responseHeaders = Map.of();
        StripeApiException e = assertThrows(StripeApiException.class, () -> client.createCheckoutSession(
                CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no")));
        assertEquals(500, e.httpStatus());
        assertNull(e.type());
        assertNull(e.stripeMessage());
        assertNull(e.requestId());
        assertTrue(e.retryable());

        status = 429;
        responseBody = "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\",\"message\":\"slow\"}}";
        assertTrue(assertThrows(StripeApiException.class, () -> client.createCheckoutSession(
                CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no"))).retryable());

        // Stripe's own advice wins.
        status = 400;
        responseHeaders = Map.of("Stripe-Should-Retry", "true");
        assertTrue(assertThrows(StripeApiException.class, () -> client.createCheckoutSession(
                CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no"))).retryable());
    }

    @Test
    void successWithoutAnIdIsAnError() {
        responseBody = "{\"object\":\"checkout.session\"}";
        StripeApiException e = assertThrows(StripeApiException.class, () -> client.createCheckoutSession(
                CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no")));
        assertEquals(200, e.httpStatus());
        assertEquals("req_ok", e.requestId());
        assertFalse(e.retryable());
    }

    @Test
    void connectionRefusedIsRetryable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed right away: nothing listens there
        }
        StripeClient refused = new StripeClient(StripeClientConfig.of(KEY)
                .withApiBase(URI.create("http://127.0.0.1:" + port))
                .withConnectTimeout(Duration.ofSeconds(2)));
        StripeApiException e = assertThrows(StripeApiException.class, () -> refused.createCheckoutSession(
                CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no")));
        assertEquals(0, e.httpStatus());
        assertTrue(e.retryable());
        assertNotNull(e.getCause());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void timeoutIsRetryable() {
        server.removeContext("/");
        server.createContext("/", ex -> {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        StripeClient impatient = new StripeClient(client.config().withRequestTimeout(Duration.ofMillis(200)));
        StripeApiException e = assertThrows(StripeApiException.class, () -> impatient.createCheckoutSession(
                CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no")));
        assertTrue(e.retryable());
        assertInstanceOf(java.net.http.HttpTimeoutException.class, e.getCause());
    }

    @Test
    void extraParameterClashIsRejectedBeforeAnyRequest() {
        for (Map<String, String> clash : List.of(
                Map.of("mode", "setup"),
                Map.of("line_items[0][price]", "price_cheap"),
                Map.of("client_reference_id", "org_evil"),
                Map.of("metadata[credits_account]", "org_evil"),
                Map.of("payment_intent_data[metadata][credits_account]", "org_evil"))) {
            CheckoutSessionRequest r = CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no")
                    .withClientReferenceId("org_1")
                    .withMetadata(Map.of("credits_account", "org_1"))
                    .withExtraParams(clash);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> client.createCheckoutSession(r), clash.toString());
            assertEquals("extraParams", e.argument());
        }
        assertTrue(seen.isEmpty());
    }

    @Test
    void requestValidation() {
        assertThrows(InvalidArgumentException.class, () -> CheckoutSessionRequest.payment(" ", "https://a", "https://b"));
        assertThrows(InvalidArgumentException.class, () -> CheckoutSessionRequest.payment("p", null, "https://b"));
        assertThrows(InvalidArgumentException.class, () -> CheckoutSessionRequest.payment("p", "https://a", ""));
        CheckoutSessionRequest r = CheckoutSessionRequest.payment("p", "https://a", "https://b");
        assertThrows(InvalidArgumentException.class, () -> r.withQuantity(0));
        assertThrows(InvalidArgumentException.class, () -> r.withCustomerId("cus_1").withCustomerEmail("a@b"));
        assertThrows(InvalidArgumentException.class, () -> r.withIdempotencyKey(""));
        assertThrows(InvalidArgumentException.class, () -> r.withIdempotencyKey("k".repeat(256)));
        assertThrows(InvalidArgumentException.class, () -> r.withMetadata(Map.of("a[b]", "x")));
        Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        assertThrows(InvalidArgumentException.class, () -> r.withMetadata(withNull));
        assertThrows(UnsupportedOperationException.class,
                () -> r.withMetadata(Map.of("a", "b")).metadata().put("c", "d"));
    }

    @Test
    void configValidationAndSecretHiding() {
        StripeClientConfig c = StripeClientConfig.of(KEY);
        assertEquals(StripeClientConfig.DEFAULT_API_BASE, c.apiBase());
        assertEquals(URI.create("https://api.stripe.com"), c.apiBase());
        assertFalse(c.toString().contains("SecretKey"), c.toString());
        assertTrue(c.toString().contains("sk_test_***"), c.toString());
        assertFalse(client.toString().contains(KEY));
        assertFalse(StripeClientConfig.of("opaque").toString().contains("opaque"));
        assertThrows(InvalidArgumentException.class, () -> StripeClientConfig.of(""));
        assertThrows(InvalidArgumentException.class, () -> c.withApiBase(URI.create("ftp://x")));
        assertThrows(InvalidArgumentException.class, () -> c.withApiBase(URI.create("/relative")));
        assertThrows(InvalidArgumentException.class, () -> c.withStripeVersion(" "));
        assertThrows(InvalidArgumentException.class, () -> c.withRequestTimeout(Duration.ZERO));
        assertThrows(InvalidArgumentException.class, () -> c.withConnectTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void apiBaseWithTrailingSlash() throws IOException {
        StripeClient slash = new StripeClient(client.config()
                .withApiBase(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")));
        slash.createCheckoutSession(CheckoutSessionRequest.payment("price_1", "https://a/ok", "https://a/no"));
        assertEquals("/v1/checkout/sessions", only().path());
    }
}
