package dev.credits.stripe;

import dev.credits.CreditsException;

/**
 * A webhook payload is not a Stripe event we can read: malformed JSON, not a JSON object, a missing
 * {@code id}, {@code type} or {@code data.object}, or a typed view asked of an object of another type
 * (e.g. {@link StripeEvent#invoice()} on a charge event). Nothing was changed.
 */
public final class WebhookPayloadException extends CreditsException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong */
    public WebhookPayloadException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause   the parser's exception
     */
    public WebhookPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
