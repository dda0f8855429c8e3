package dev.credits.stripe.internal;

import dev.credits.stripe.WebhookSignatureException;
import dev.credits.stripe.WebhookSignatureException.Reason;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** Stripe's webhook signature scheme v1: HMAC-SHA256 over {@code t + "." + payload}. Not API. */
public final class Signatures {

    private static final String HMAC = "HmacSHA256";

    private Signatures() {
    }

    /**
     * The parts of a {@code Stripe-Signature} header we use.
     *
     * @param timestamp  {@code t}, unix seconds
     * @param signatures the {@code v1} values, as sent (hex)
     */
    public record Header(long timestamp, List<String> signatures) {
        public Header {
            signatures = List.copyOf(signatures);
        }
    }

    /**
     * @param header the header value, not blank
     * @return its timestamp and v1 signatures; other schemes ({@code v0}) and unknown keys are ignored
     * @throws WebhookSignatureException MALFORMED_HEADER if there is no single numeric {@code t} or no {@code v1}
     */
    public static Header parseHeader(String header) {
        Long timestamp = null;
        List<String> v1 = new ArrayList<>();
        for (String item : header.split(",")) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                continue; // tolerate stray items, as Stripe's libraries do; t and v1 are checked below
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            if (key.equals("t")) {
                if (timestamp != null) {
                    throw malformed("more than one timestamp");
                }
                timestamp = parseTimestamp(value);
            } else if (key.equals("v1") && !value.isEmpty()) {
                v1.add(value);
            }
        }
        if (timestamp == null) {
            throw malformed("no timestamp (t=...)");
        }
        if (v1.isEmpty()) {
            throw malformed("no v1 signature");
        }
        return new Header(timestamp, v1);
    }

    private static long parseTimestamp(String value) {
        // Digits only: Long.parseLong would also take "+123" or "-5", which Stripe never sends.
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed("non-numeric timestamp");
        }
        return Long.parseLong(value);
    }

    private static WebhookSignatureException malformed(String what) {
        return new WebhookSignatureException(Reason.MALFORMED_HEADER, what);
    }

    /**
     * @param secrets the accepted signing secrets
     * @param header  the parsed header
     * @param payload the raw payload
     * @return true if some v1 signature equals the expected one under some secret (constant-time compare)
     */
    public static boolean anyMatches(List<String> secrets, Header header, byte[] payload) {
        List<byte[]> candidates = new ArrayList<>();
        for (String s : header.signatures()) {
            byte[] decoded = fromHex(s);
            if (decoded != null) {
                candidates.add(decoded);
            }
        }
        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = sign(secret, header.timestamp(), payload);
            for (byte[] candidate : candidates) {
                // No early exit: the time taken does not depend on which (if any) signature matched.
                match |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return match;
    }

    /**
     * @param secret    the signing secret (its UTF-8 bytes are the key)
     * @param timestamp unix seconds
     * @param payload   the raw payload
     * @return HMAC-SHA256 of {@code timestamp + "." + payload}
     */
    public static byte[] sign(String secret, long timestamp, byte[] payload) {
        try {
            Mac mac = Mac.getInstance(HMAC); // Mac is not thread-safe: one per call is cheap enough
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    /** @return lower-case hex */
    public static String toHex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }

    /** @return the bytes, or null if not (even-length) hex */
    static byte[] fromHex(String hex) {
        if (hex.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
