package dev.credits.stripe;

import dev.credits.InvalidArgumentException;
import dev.credits.stripe.internal.EventParser;
import dev.credits.stripe.internal.Signatures;
import dev.credits.stripe.WebhookSignatureException.Reason;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verifies Stripe webhook signatures and parses the events. Immutable and thread-safe; build one at startup.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.of(System.getenv("STRIPE_WEBHOOK_SECRET"));
 * // in the webhook endpoint, with the raw request body (do not re-serialize parsed JSON):
 * StripeEvent event = verifier.verifyAndParse(rawBody, request.getHeader("Stripe-Signature"));
 * }</pre>
 *
 * <p>The header is {@code t=<unix seconds>,v1=<hex>[,v1=<hex>...]}; a {@code v1} is the hex HMAC-SHA256 of
 * {@code t + "." + payload} keyed with the whole signing secret ({@code whsec_...}). Any matching {@code v1}
 * passes (Stripe sends several while a secret is being rolled), as does a match under any of several secrets
 * ({@link #withAdditionalSecret(String)}, for rotating the secret on our side). The timestamp must then be
 * within the tolerance (default {@link #DEFAULT_TOLERANCE}) of the clock, in either direction.
 */
public final class WebhookVerifier {

    /** The default tolerance between the signature's timestamp and now: 300 seconds, as Stripe's libraries. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

    private final List<String> secrets;
    private final Duration tolerance;
    private final Clock clock;

    private WebhookVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        this.secrets = List.copyOf(secrets);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /**
     * @param signingSecret the endpoint's signing secret, {@code whsec_...}
     * @return a verifier with the default tolerance and the system clock
     * @throws InvalidArgumentException if the secret is null or blank
     */
    public static WebhookVerifier of(String signingSecret) {
        return new WebhookVerifier(List.of(checkSecret(signingSecret)), DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    /**
     * @param signingSecret another accepted secret, e.g. the old one while rotating
     * @return a copy that also accepts signatures made with this secret
     * @throws InvalidArgumentException if the secret is null or blank
     */
    public WebhookVerifier withAdditionalSecret(String signingSecret) {
        List<String> more = new ArrayList<>(secrets);
        more.add(checkSecret(signingSecret));
        return new WebhookVerifier(more, tolerance, clock);
    }

    /**
     * @param value the largest accepted distance between the signature's timestamp and now, at least 1 s
     *              (whole seconds count: the timestamp has no finer resolution)
     * @return a copy with this tolerance
     * @throws InvalidArgumentException if not positive
     */
    public WebhookVerifier withTolerance(Duration value) {
        if (value == null || value.toSeconds() < 1) {
            throw new InvalidArgumentException("tolerance", "must be at least one second: " + value);
        }
        return new WebhookVerifier(secrets, value, clock);
    }

    /**
     * @param value the clock "now" is read from (tests pass a fixed one)
     * @return a copy with this clock
     */
    public WebhookVerifier withClock(Clock value) {
        return new WebhookVerifier(secrets, tolerance, Objects.requireNonNull(value, "clock"));
    }

    /** @return the tolerance */
    public Duration tolerance() {
        return tolerance;
    }

    /**
     * Checks the signature of a payload.
     *
     * @param payload         the raw request body, exactly as received
     * @param signatureHeader the {@code Stripe-Signature} header, or null if absent
     * @return the signature's timestamp
     * @throws WebhookSignatureException if the header is missing or malformed, no signature matches, or the
     *                                   timestamp is outside the tolerance
     */
    public Instant verify(byte[] payload, String signatureHeader) {
        Objects.requireNonNull(payload, "payload");
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new WebhookSignatureException(Reason.MISSING_HEADER, "no Stripe-Signature header");
        }
        Signatures.Header header = Signatures.parseHeader(signatureHeader);
        // Signature first, as Stripe's libraries do: a forged header is reported as forged, whatever its time.
        if (!Signatures.anyMatches(secrets, header, payload)) {
            throw new WebhookSignatureException(Reason.NO_MATCHING_SIGNATURE,
                    "no v1 signature matches the payload (wrong secret, or a forged or altered request)");
        }
        long t = header.timestamp(); // 0 to 10^18-1, so the difference cannot overflow
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - t) > tolerance.toSeconds()) {
            throw new WebhookSignatureException(Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
                    "signed at t=" + t + ", now " + now + ", tolerance " + tolerance.toSeconds() + " s");
        }
        return Instant.ofEpochSecond(t);
    }

    /**
     * As {@link #verify(byte[], String)}, for a body already read as a string. It must be the body exactly as
     * received (decoded as UTF-8, which is what Stripe sends).
     *
     * @param payload         the raw request body
     * @param signatureHeader the {@code Stripe-Signature} header, or null if absent
     * @return the signature's timestamp
     * @throws WebhookSignatureException as {@link #verify(byte[], String)}
     */
    public Instant verify(String payload, String signatureHeader) {
        return verify(Objects.requireNonNull(payload, "payload").getBytes(StandardCharsets.UTF_8), signatureHeader);
    }

    /**
     * Verifies the signature, then (only then) parses the event.
     *
     * @param payload         the raw request body, exactly as received
     * @param signatureHeader the {@code Stripe-Signature} header, or null if absent
     * @return the event
     * @throws WebhookSignatureException if the signature is rejected (the payload is not parsed)
     * @throws WebhookPayloadException   if the verified payload is not a readable event
     */
    public StripeEvent verifyAndParse(byte[] payload, String signatureHeader) {
        verify(payload, signatureHeader);
        return EventParser.parse(payload);
    }

    /**
     * As {@link #verifyAndParse(byte[], String)}, for a body already read as a (UTF-8) string.
     *
     * @param payload         the raw request body
     * @param signatureHeader the {@code Stripe-Signature} header, or null if absent
     * @return the event
     * @throws WebhookSignatureException if the signature is rejected (the payload is not parsed)
     * @throws WebhookPayloadException   if the verified payload is not a readable event
     */
    public StripeEvent verifyAndParse(String payload, String signatureHeader) {
        return verifyAndParse(Objects.requireNonNull(payload, "payload").getBytes(StandardCharsets.UTF_8),
                signatureHeader);
    }

    /** Never shows the secrets, only how many there are. */
    @Override
    public String toString() {
        return "WebhookVerifier[secrets=" + secrets.size() + " (hidden), tolerance=" + tolerance + ", clock="
                + clock + "]";
    }

    private static String checkSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new InvalidArgumentException("signingSecret", "must not be blank");
        }
        return secret;
    }
}
