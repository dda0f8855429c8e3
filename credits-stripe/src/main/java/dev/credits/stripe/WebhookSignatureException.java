package dev.credits.stripe;

import dev.credits.CreditsException;

/**
 * A webhook request's {@code Stripe-Signature} header is missing, malformed, signed with another secret, or
 * too old (or too far in the future). The payload was not parsed and nothing was changed; answer HTTP 400.
 */
public final class WebhookSignatureException extends CreditsException {
    private static final long serialVersionUID = 1L;

    /** Why the signature was rejected. */
    public enum Reason {
        /** No {@code Stripe-Signature} header (null or blank). */
        MISSING_HEADER,
        /** The header has no timestamp, a non-numeric one, no {@code v1} signature, or is otherwise unreadable. */
        MALFORMED_HEADER,
        /** No {@code v1} signature matches the payload under any configured secret (forged, tampered or wrong secret). */
        NO_MATCHING_SIGNATURE,
        /** The signature matches but its timestamp is further from now than the tolerance (a replay, or a bad clock). */
        TIMESTAMP_OUTSIDE_TOLERANCE
    }

    private final Reason reason;

    /**
     * @param reason  why
     * @param message details for logs; never contains a secret
     */
    public WebhookSignatureException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** @return why the signature was rejected */
    public Reason reason() {
        return reason;
    }
}
