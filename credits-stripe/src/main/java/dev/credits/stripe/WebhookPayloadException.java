package dev.credits.stripe;

import dev.credits.CreditsException;

/**
 * A webhook payload is not a Stripe event we can read: malformed JSON, not a JSON object, a missing
 * {@code id}, {@code type} or {@code data.object}, a typed view asked of an object of another type
 * (e.g. {@link StripeEvent#invoice()} on a charge event), or a field credits reads that is malformed: another JSON
 * type than Stripe sends, a negative amount, a number out of range (a timestamp outside 1970-9999, an integer
 * beyond a {@code long}), an expanded object without a string {@code id}. Thrown for validly signed payloads too;
 * nothing was changed. Answer 400.
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
