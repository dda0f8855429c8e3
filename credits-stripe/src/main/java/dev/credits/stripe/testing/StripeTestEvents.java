package dev.credits.stripe.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.credits.stripe.internal.Signatures;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds Stripe webhook events and signs them as Stripe does, for a host's tests of its webhook endpoint: no Stripe
 * account, no network, no stripe-java. Events carry credits' default metadata keys ({@code credits_account_id},
 * {@code credits_package_id}) and only the fields credits reads.
 *
 * <pre>{@code
 * StripeTestEvents events = StripeTestEvents.signedWith("whsec_test");
 * SignedEvent paid = events.checkoutCompleted("org_42", "starter", "pi_1");
 * mvc.perform(post("/stripe/webhook").content(paid.payload()).header("Stripe-Signature", paid.signature()));
 * }</pre>
 *
 * <p>Signatures are made at the clock's time (default: the system clock), so the endpoint's tolerance window must
 * contain it: give a fixed clock to both when the ledger runs on one. Immutable and thread-safe.
 */
public final class StripeTestEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The API version the events are shaped like. */
    public static final String API_VERSION = "2026-07-29.dahlia";

    private final String secret;
    private final Clock clock;

    private StripeTestEvents(String secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    /** @param webhookSecret the endpoint's signing secret ({@code whsec_...}), as configured on the endpoint */
    public static StripeTestEvents signedWith(String webhookSecret) {
        Objects.requireNonNull(webhookSecret, "webhookSecret");
        return new StripeTestEvents(webhookSecret, Clock.systemUTC());
    }

    /** @return a copy that signs at {@code clock}'s time */
    public StripeTestEvents withClock(Clock clock) {
        return new StripeTestEvents(secret, Objects.requireNonNull(clock, "clock"));
    }

    /**
     * A paid Checkout Session of a credit package: credits grants the package to the account.
     *
     * @param accountId       the buyer (client reference and metadata)
     * @param packageId       the credit package
     * @param paymentIntentId the payment, which becomes the purchase id
     */
    public SignedEvent checkoutCompleted(String accountId, String packageId, String paymentIntentId) {
        return checkoutCompleted(accountId, packageId, paymentIntentId, true);
    }

    /**
     * A Checkout Session of a credit package, paid or awaiting a delayed payment ({@code unpaid}: credits records a
     * pending purchase).
     */
    public SignedEvent checkoutCompleted(String accountId, String packageId, String paymentIntentId, boolean paid) {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", "cs_test_" + shortId());
        session.put("object", "checkout.session");
        session.put("client_reference_id", accountId);
        session.put("currency", "usd");
        session.put("metadata", Map.of("credits_account_id", accountId, "credits_package_id", packageId));
        session.put("mode", "payment");
        session.put("payment_intent", paymentIntentId);
        session.put("payment_status", paid ? "paid" : "unpaid");
        session.put("status", "complete");
        session.put("subscription", null);
        return event("checkout.session.completed", session);
    }

    /**
     * A refund of a package's payment: credits takes back the refunded share of the purchase's credits.
     *
     * @param paymentIntentId the payment that bought the package
     * @param amount          the charge's amount, in the currency's smallest unit (cents)
     * @param amountRefunded  how much of it is refunded in total so far
     */
    public SignedEvent chargeRefunded(String paymentIntentId, long amount, long amountRefunded) {
        Map<String, Object> charge = new LinkedHashMap<>();
        charge.put("id", "ch_test_" + shortId());
        charge.put("object", "charge");
        charge.put("amount", amount);
        charge.put("amount_captured", amount);
        charge.put("amount_refunded", amountRefunded);
        charge.put("currency", "usd");
        charge.put("paid", true);
        charge.put("payment_intent", paymentIntentId);
        charge.put("refunded", amountRefunded >= amount);
        charge.put("status", "succeeded");
        return event("charge.refunded", charge);
    }

    /**
     * Any event: {@code data.object} is {@code object} as JSON (maps, lists, strings, numbers, booleans, null).
     *
     * @param type   the event type, e.g. {@code "invoice.paid"}
     * @param object the event's object
     */
    public SignedEvent event(String type, Map<String, ?> object) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(object, "object");
        ObjectNode event = JSON.createObjectNode();
        event.put("id", "evt_test_" + shortId());
        event.put("object", "event");
        event.put("api_version", API_VERSION);
        event.put("created", clock.instant().getEpochSecond());
        event.set("data", JSON.createObjectNode().set("object", JSON.valueToTree(object)));
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.put("type", type);
        try {
            return sign(JSON.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the event's object cannot be written as JSON", e);
        }
    }

    /** Signs a payload of your own (e.g. a fixture file's text) at the clock's time. */
    public SignedEvent sign(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return new SignedEvent(bytes, signature(bytes));
    }

    /** @return the {@code Stripe-Signature} header Stripe would send with these bytes now */
    public String signature(byte[] payload) {
        long timestamp = clock.instant().getEpochSecond();
        return "t=" + timestamp + ",v1=" + Signatures.toHex(Signatures.sign(secret, timestamp, payload));
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /**
     * An event ready to post to a webhook endpoint.
     *
     * @param payload   the request body, exactly as signed
     * @param signature the {@code Stripe-Signature} header
     */
    public record SignedEvent(byte[] payload, String signature) {

        /** @return the body as text */
        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }
}
