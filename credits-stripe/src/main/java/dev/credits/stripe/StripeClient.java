package dev.credits.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credits.InvalidArgumentException;
import dev.credits.stripe.internal.Form;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Calls the Stripe API with the JDK's {@link HttpClient} (no stripe-java). Thread-safe; build one at startup.
 *
 * <pre>{@code
 * StripeClient stripe = new StripeClient(StripeClientConfig.of(System.getenv("STRIPE_SECRET_KEY")));
 * CheckoutSession session = stripe.createCheckoutSession(
 *         CheckoutSessionRequest.payment("price_123", successUrl, cancelUrl).withIdempotencyKey(key));
 * response.redirect(session.url());
 * }</pre>
 *
 * <p>Every request is form-encoded, authenticated with {@code Authorization: Bearer <secret key>} and pins
 * {@link StripeClientConfig#stripeVersion()}. The secret key is never logged.
 */
public final class StripeClient {

    private static final Logger log = LoggerFactory.getLogger(StripeClient.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String USER_AGENT = "credits-stripe (java.net.http)";

    private final StripeClientConfig config;
    private final HttpClient http;

    /**
     * @param config how to reach Stripe; a client is built with its connection timeout
     */
    public StripeClient(StripeClientConfig config) {
        this(config, HttpClient.newBuilder()
                .connectTimeout(Objects.requireNonNull(config, "config").connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // never resend the key somewhere else
                .build());
    }

    /**
     * @param config how to reach Stripe (its connection timeout is the given client's business)
     * @param http   the host's HTTP client, e.g. with a proxy or an executor of its own
     */
    public StripeClient(StripeClientConfig config, HttpClient http) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
    }

    /** @return the configuration */
    public StripeClientConfig config() {
        return config;
    }

    /**
     * Creates a Checkout Session ({@code POST /v1/checkout/sessions}).
     *
     * @param request what to sell, to whom, and where to send the customer afterwards
     * @return the session's id and URL
     * @throws InvalidArgumentException if an extra parameter names one credits sets (nothing is sent)
     * @throws StripeApiException       if Stripe answers with an error, or the request fails or times out
     */
    public CheckoutSession createCheckoutSession(CheckoutSessionRequest request) {
        Objects.requireNonNull(request, "request");
        String body = Form.encode(Form.checkoutSession(request)); // rejects clashes before anything is sent
        Response response = post("/v1/checkout/sessions", body, request.idempotencyKey());
        String id = response.json().path("id").textValue();
        if (id == null) {
            throw new StripeApiException(response.status(), null, null, "response without a session id", null,
                    response.requestId(), false, null);
        }
        String url = response.json().path("url").textValue();
        log.debug("Created Checkout Session {} (mode {})", id, request.mode().wireValue());
        return new CheckoutSession(id, url);
    }

    /**
     * Creates a customer portal session ({@code POST /v1/billing_portal/sessions}), where a subscriber manages their
     * subscription (change plan, cancel) and payment methods; the portal's default configuration applies.
     *
     * @param customerId the Stripe customer, {@code cus_...}
     * @param returnUrl  where the portal's "back" link goes
     * @return the session's id and URL
     * @throws InvalidArgumentException if an argument is blank (nothing is sent)
     * @throws StripeApiException       if Stripe answers with an error, or the request fails or times out
     */
    public BillingPortalSession createBillingPortalSession(String customerId, String returnUrl) {
        if (customerId == null || customerId.isBlank()) {
            throw new InvalidArgumentException("customerId", "must not be blank");
        }
        if (returnUrl == null || returnUrl.isBlank()) {
            throw new InvalidArgumentException("returnUrl", "must not be blank");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("customer", customerId);
        form.put("return_url", returnUrl);
        Response response = post("/v1/billing_portal/sessions", Form.encode(form), null);
        String id = response.json().path("id").textValue();
        if (id == null) {
            throw new StripeApiException(response.status(), null, null, "response without a portal session id", null,
                    response.requestId(), false, null);
        }
        return new BillingPortalSession(id, response.json().path("url").textValue());
    }

    /** A successful answer. */
    private record Response(int status, JsonNode json, String requestId) {
    }

    private Response post(String path, String form, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(path))
                .timeout(config.requestTimeout())
                .header("Authorization", "Bearer " + config.secretKey())
                .header("Stripe-Version", config.stripeVersion())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Includes timeouts (HttpTimeoutException) and refused connections. Safe to retry with the same key.
            log.warn("POST {} failed: {}", path, e.toString());
            throw new StripeApiException(0, null, null, "request failed: " + e, null, null, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StripeApiException(0, null, null, "interrupted", null, null, true, e);
        }
        String requestId = response.headers().firstValue("Request-Id").orElse(null);
        int status = response.statusCode();
        log.debug("POST {} -> {} (request {})", path, status, requestId);
        if (status >= 200 && status < 300) {
            try {
                return new Response(status, MAPPER.readTree(response.body()), requestId);
            } catch (IOException e) {
                throw new StripeApiException(status, null, null, "unreadable response body", null, requestId, false,
                        e);
            }
        }
        throw error(response, requestId);
    }

    private static StripeApiException error(HttpResponse<String> response, String requestId) {
        int status = response.statusCode();
        JsonNode error = null;
        try {
            error = MAPPER.readTree(response.body()).get("error");
        } catch (IOException | RuntimeException e) {
            // Not Stripe's JSON (e.g. a proxy's HTML page): keep the status alone.
        }
        Optional<String> shouldRetry = response.headers().firstValue("Stripe-Should-Retry");
        boolean retryable = shouldRetry.map(Boolean::parseBoolean)
                .orElse(status == 409 || status == 429 || status >= 500);
        StripeApiException ex = error != null && error.isObject()
                ? new StripeApiException(status, text(error, "type"), text(error, "code"), text(error, "message"),
                text(error, "param"), requestId, retryable, null)
                : new StripeApiException(status, null, null, null, null, requestId, retryable, null);
        log.warn("{}", ex.getMessage());
        return ex;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private URI resolve(String path) {
        String base = config.apiBase().toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }

    /** Never shows the secret key. */
    @Override
    public String toString() {
        return "StripeClient[" + config + "]";
    }
}
