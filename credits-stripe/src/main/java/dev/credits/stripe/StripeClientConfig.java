package dev.credits.stripe;

import dev.credits.InvalidArgumentException;

import java.net.URI;
import java.time.Duration;

/**
 * How {@link StripeClient} reaches the Stripe API. Immutable; start with {@link #of(String)}.
 * {@link #toString()} never shows the secret key.
 *
 * @param secretKey      the API secret key, {@code sk_...} or a restricted {@code rk_...} one
 * @param apiBase        the API's base URL; default {@link #DEFAULT_API_BASE} (tests point it at a local server)
 * @param stripeVersion  the {@code Stripe-Version} header every request pins; default
 *                       {@link #DEFAULT_STRIPE_VERSION}. Pinned so that an account's default version changing
 *                       in the dashboard does not change what the API answers
 * @param connectTimeout the connection timeout; default 10 s
 * @param requestTimeout the whole request's timeout; default 30 s
 */
public record StripeClientConfig(String secretKey, URI apiBase, String stripeVersion, Duration connectTimeout,
                                 Duration requestTimeout) {

    /** {@code https://api.stripe.com}. */
    public static final URI DEFAULT_API_BASE = URI.create("https://api.stripe.com");

    /** The API version credits is written and tested against (stripe-java 33.3.0's). */
    public static final String DEFAULT_STRIPE_VERSION = "2026-07-29.dahlia";

    public StripeClientConfig {
        if (secretKey == null || secretKey.isBlank()) {
            throw new InvalidArgumentException("secretKey", "must not be blank");
        }
        if (apiBase == null || apiBase.getScheme() == null || apiBase.getHost() == null
                || !(apiBase.getScheme().equals("https") || apiBase.getScheme().equals("http"))) {
            throw new InvalidArgumentException("apiBase", "must be an absolute http(s) URL: " + apiBase);
        }
        if (stripeVersion == null || stripeVersion.isBlank()) {
            throw new InvalidArgumentException("stripeVersion", "must not be blank");
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
    }

    /**
     * @param secretKey the API secret key
     * @return a configuration with the defaults
     */
    public static StripeClientConfig of(String secretKey) {
        return new StripeClientConfig(secretKey, DEFAULT_API_BASE, DEFAULT_STRIPE_VERSION, Duration.ofSeconds(10),
                Duration.ofSeconds(30));
    }

    /**
     * @param value the API's base URL, e.g. {@code http://127.0.0.1:12111} for stripe-mock
     * @return a copy with this base URL
     */
    public StripeClientConfig withApiBase(URI value) {
        return new StripeClientConfig(secretKey, value, stripeVersion, connectTimeout, requestTimeout);
    }

    /**
     * @param value the API version to pin, e.g. {@code 2026-07-29.dahlia}
     * @return a copy pinning this version
     */
    public StripeClientConfig withStripeVersion(String value) {
        return new StripeClientConfig(secretKey, apiBase, value, connectTimeout, requestTimeout);
    }

    /**
     * @param value the connection timeout, positive
     * @return a copy with this connection timeout
     */
    public StripeClientConfig withConnectTimeout(Duration value) {
        return new StripeClientConfig(secretKey, apiBase, stripeVersion, value, requestTimeout);
    }

    /**
     * @param value the whole request's timeout, positive
     * @return a copy with this request timeout
     */
    public StripeClientConfig withRequestTimeout(Duration value) {
        return new StripeClientConfig(secretKey, apiBase, stripeVersion, connectTimeout, value);
    }

    /** Shows everything but the secret key (only its kind, e.g. {@code sk_test_***}). */
    @Override
    public String toString() {
        return "StripeClientConfig[secretKey=" + maskedKey() + ", apiBase=" + apiBase + ", stripeVersion="
                + stripeVersion + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }

    private String maskedKey() {
        // "sk_test_", "sk_live_", "rk_live_": the prefix says which account mode is used, which helps debugging.
        int cut = secretKey.lastIndexOf('_');
        return (cut > 0 && cut < 8 ? secretKey.substring(0, cut + 1) : "") + "***";
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidArgumentException(name, "must be positive: " + value);
        }
    }
}
