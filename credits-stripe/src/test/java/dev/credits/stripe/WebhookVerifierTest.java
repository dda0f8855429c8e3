package dev.credits.stripe;

import com.stripe.net.Webhook;
import dev.credits.InvalidArgumentException;
import dev.credits.stripe.WebhookSignatureException.Reason;
import dev.credits.stripe.internal.Signatures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookVerifierTest {

    private static final String SECRET = "whsec_test_5f3c1b2a9e8d7c6b5a4f3e2d1c0b9a8f";
    private static final Instant NOW = Instant.parse("2026-08-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String PAYLOAD = Fixtures.string("checkout.session.completed.json");

    private final WebhookVerifier verifier = WebhookVerifier.of(SECRET).withClock(CLOCK);

    /** Our own computation of the header, independent of the verifier's parsing. */
    private static String header(String secret, long t, String payload) {
        return "t=" + t + ",v1=" + v1(secret, t, payload);
    }

    private static String v1(String secret, long t, String payload) {
        return Signatures.toHex(Signatures.sign(secret, t, payload.getBytes(StandardCharsets.UTF_8)));
    }

    private WebhookSignatureException rejected(WebhookVerifier v, String payload, String header) {
        return assertThrows(WebhookSignatureException.class, () -> v.verifyAndParse(payload, header));
    }

    @Test
    void ourHeaderVerifies() {
        long t = NOW.getEpochSecond();
        assertEquals(NOW, verifier.verify(PAYLOAD, header(SECRET, t, PAYLOAD)));
        StripeEvent event = verifier.verifyAndParse(PAYLOAD, header(SECRET, t, PAYLOAD));
        assertEquals("evt_1Pgc76B7WZ01zgkWwyRHCS01", event.id());
    }

    @Test
    void stripeJavaHeaderVerifiesForEveryFixture() throws Exception {
        long t = NOW.getEpochSecond();
        for (String name : Fixtures.ALL) {
            String payload = Fixtures.string(name);
            String header = Webhook.Signature.generateSignatureHeader(payload, SECRET, t);
            StripeEvent event = verifier.verifyAndParse(payload, header);
            assertTrue(name.startsWith(event.type() + "."), name + " has type " + event.type());
            // The byte[] path sees the same bytes.
            assertEquals(NOW, verifier.verify(Fixtures.bytes(name), header));
        }
    }

    @Test
    void stripeJavaAcceptsOurHeader() throws Exception {
        long t = NOW.getEpochSecond();
        Clock stripeClock = CLOCK;
        assertTrue(Webhook.Signature.verifyHeader(PAYLOAD, header(SECRET, t, PAYLOAD), SECRET, 300, stripeClock));
    }

    @Test
    void anyOfSeveralV1ValuesMayMatch() {
        long t = NOW.getEpochSecond();
        String good = v1(SECRET, t, PAYLOAD);
        String other = v1("whsec_other", t, PAYLOAD);
        String header = "t=" + t + ",v1=" + other + ",v1=" + good + ",v0=deadbeef,unknown=x";
        assertEquals(NOW, verifier.verify(PAYLOAD, header));
        // A header with spaces after commas, as some proxies reformat it.
        assertEquals(NOW, verifier.verify(PAYLOAD, "t=" + t + ", v1=" + other + ", v1=" + good));
        // Upper-case hex is the same signature.
        assertEquals(NOW, verifier.verify(PAYLOAD, "t=" + t + ",v1=" + good.toUpperCase()));
    }

    @Test
    void rotatedSecretsAreAccepted() {
        long t = NOW.getEpochSecond();
        WebhookVerifier both = verifier.withAdditionalSecret("whsec_old");
        assertEquals(NOW, both.verify(PAYLOAD, header("whsec_old", t, PAYLOAD)));
        assertEquals(NOW, both.verify(PAYLOAD, header(SECRET, t, PAYLOAD)));
        assertEquals(Reason.NO_MATCHING_SIGNATURE, rejected(verifier, PAYLOAD, header("whsec_old", t, PAYLOAD)).reason());
    }

    @Test
    void wrongSecretIsRejected() {
        String header = header("whsec_wrong", NOW.getEpochSecond(), PAYLOAD);
        assertEquals(Reason.NO_MATCHING_SIGNATURE, rejected(verifier, PAYLOAD, header).reason());
    }

    @Test
    void tamperedPayloadIsRejected() {
        long t = NOW.getEpochSecond();
        String header = header(SECRET, t, PAYLOAD);
        String tampered = PAYLOAD.replace("\"amount_total\": 1099", "\"amount_total\": 9999");
        assertFalse(tampered.equals(PAYLOAD));
        assertEquals(Reason.NO_MATCHING_SIGNATURE, rejected(verifier, tampered, header).reason());
        // Same signature with another timestamp: the timestamp is signed too.
        String moved = "t=" + (t + 1) + ",v1=" + v1(SECRET, t, PAYLOAD);
        assertEquals(Reason.NO_MATCHING_SIGNATURE, rejected(verifier, PAYLOAD, moved).reason());
        // Garbage in v1 never matches.
        assertEquals(Reason.NO_MATCHING_SIGNATURE, rejected(verifier, PAYLOAD, "t=" + t + ",v1=zz").reason());
    }

    @Test
    void missingHeaderIsRejected() {
        assertEquals(Reason.MISSING_HEADER, rejected(verifier, PAYLOAD, null).reason());
        assertEquals(Reason.MISSING_HEADER, rejected(verifier, PAYLOAD, "  ").reason());
    }

    @Test
    void malformedHeadersAreRejected() {
        long t = NOW.getEpochSecond();
        String sig = v1(SECRET, t, PAYLOAD);
        for (String header : new String[] {
                "v1=" + sig,                              // no t
                "t=abc,v1=" + sig,                        // non-numeric t
                "t=-5,v1=" + sig,                         // signed t
                "t=,v1=" + sig,                           // empty t
                "t=" + t,                                 // no v1
                "t=" + t + ",v0=" + sig,                  // only v0
                "t=" + t + ",t=" + t + ",v1=" + sig,      // two t
                "garbage"}) {
            assertEquals(Reason.MALFORMED_HEADER, rejected(verifier, PAYLOAD, header).reason(), header);
        }
    }

    @Test
    void staleAndFutureTimestampsAreRejected() {
        long now = NOW.getEpochSecond();
        // At the edge of the default 300 s tolerance: accepted.
        assertEquals(NOW.minusSeconds(300), verifier.verify(PAYLOAD, header(SECRET, now - 300, PAYLOAD)));
        assertEquals(NOW.plusSeconds(300), verifier.verify(PAYLOAD, header(SECRET, now + 300, PAYLOAD)));
        // Beyond it: a replay, or a signer's clock far ahead.
        assertEquals(Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
                rejected(verifier, PAYLOAD, header(SECRET, now - 301, PAYLOAD)).reason());
        assertEquals(Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
                rejected(verifier, PAYLOAD, header(SECRET, now + 301, PAYLOAD)).reason());
        // stripe-java's header with an old timestamp: same answer.
        assertEquals(Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
                rejected(verifier, PAYLOAD, stripeHeader(now - 3600)).reason());
    }

    @Test
    void absurdTimestampsAreOutsideTolerance() {
        long huge = 999_999_999_999_999_999L; // beyond Instant's range, yet correctly signed
        assertEquals(Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
                rejected(verifier, PAYLOAD, header(SECRET, huge, PAYLOAD)).reason());
        assertEquals(Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
                rejected(verifier, PAYLOAD, header(SECRET, 0, PAYLOAD)).reason());
        assertEquals(Reason.MALFORMED_HEADER,
                rejected(verifier, PAYLOAD, "t=1" + "0".repeat(19) + ",v1=" + v1(SECRET, 1, PAYLOAD)).reason());
    }

    @Test
    void forgedStaleHeaderIsReportedAsForged() {
        // The signature is checked before the time: an attacker learns nothing about the tolerance.
        String header = header("whsec_wrong", NOW.getEpochSecond() - 3600, PAYLOAD);
        assertEquals(Reason.NO_MATCHING_SIGNATURE, rejected(verifier, PAYLOAD, header).reason());
    }

    @Test
    void customTolerance() {
        long now = NOW.getEpochSecond();
        WebhookVerifier strict = verifier.withTolerance(Duration.ofSeconds(10));
        assertEquals(Duration.ofSeconds(10), strict.tolerance());
        assertEquals(NOW.minusSeconds(10), strict.verify(PAYLOAD, header(SECRET, now - 10, PAYLOAD)));
        assertEquals(Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
                rejected(strict, PAYLOAD, header(SECRET, now - 11, PAYLOAD)).reason());
        WebhookVerifier lenient = verifier.withTolerance(Duration.ofHours(1));
        assertEquals(NOW.minusSeconds(3000), lenient.verify(PAYLOAD, header(SECRET, now - 3000, PAYLOAD)));
        assertThrows(InvalidArgumentException.class, () -> verifier.withTolerance(Duration.ZERO));
        assertThrows(InvalidArgumentException.class, () -> verifier.withTolerance(Duration.ofMillis(999)));
        assertThrows(InvalidArgumentException.class, () -> verifier.withTolerance(Duration.ofSeconds(-1)));
    }

    @Test
    void unverifiedPayloadIsNeverParsed() {
        // Malformed JSON with a bad signature: the signature error wins, so the parser never saw it.
        String junk = "{not json";
        assertEquals(Reason.NO_MATCHING_SIGNATURE,
                rejected(verifier, junk, header("whsec_wrong", NOW.getEpochSecond(), junk)).reason());
        // Verified but malformed: a payload error.
        assertThrows(WebhookPayloadException.class,
                () -> verifier.verifyAndParse(junk, header(SECRET, NOW.getEpochSecond(), junk)));
    }

    @Test
    void blankSecretIsRejectedAndSecretsNeverShow() {
        assertThrows(InvalidArgumentException.class, () -> WebhookVerifier.of(" "));
        assertThrows(InvalidArgumentException.class, () -> WebhookVerifier.of(null));
        assertFalse(verifier.withAdditionalSecret("whsec_old").toString().contains("whsec_"));
        assertEquals(WebhookVerifier.DEFAULT_TOLERANCE, WebhookVerifier.of(SECRET).tolerance());
    }

    private static String stripeHeader(long t) {
        try {
            return Webhook.Signature.generateSignatureHeader(PAYLOAD, SECRET, t);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
