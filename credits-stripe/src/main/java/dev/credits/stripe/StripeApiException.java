package dev.credits.stripe;

import dev.credits.CreditsException;

/**
 * A call to the Stripe API failed: Stripe answered with an error ({@link #httpStatus()} &gt; 0, Stripe's
 * {@link #type()}, {@link #code()}, {@link #stripeMessage()} and {@link #param()}), or no answer came (an I/O
 * failure or a timeout: {@link #httpStatus()} is 0 and the cause is set).
 *
 * <p>{@link #retryable()} says whether sending the same request again (with the same idempotency key) may
 * succeed: true for I/O failures, timeouts, 409 (idempotency lock), 429 and 5xx answers, or whatever Stripe's
 * {@code Stripe-Should-Retry} header says.
 */
public final class StripeApiException extends CreditsException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final String type;
    private final String code;
    private final String stripeMessage;
    private final String param;
    private final String requestId;
    private final boolean retryable;

    /**
     * @param httpStatus    the HTTP status, or 0 if no response was received
     * @param type          Stripe's {@code error.type} (e.g. {@code invalid_request_error}), or null
     * @param code          Stripe's {@code error.code} (e.g. {@code resource_missing}), or null
     * @param stripeMessage Stripe's {@code error.message}, or null
     * @param param         Stripe's {@code error.param}, the offending form parameter, or null
     * @param requestId     the {@code Request-Id} response header, or null
     * @param retryable     whether the same request may succeed if sent again
     * @param cause         the I/O failure, or null
     */
    public StripeApiException(int httpStatus, String type, String code, String stripeMessage, String param,
                              String requestId, boolean retryable, Throwable cause) {
        super(describe(httpStatus, type, code, stripeMessage, param, requestId), cause);
        this.httpStatus = httpStatus;
        this.type = type;
        this.code = code;
        this.stripeMessage = stripeMessage;
        this.param = param;
        this.requestId = requestId;
        this.retryable = retryable;
    }

    private static String describe(int httpStatus, String type, String code, String message, String param,
                                   String requestId) {
        StringBuilder b = new StringBuilder("Stripe API ");
        b.append(httpStatus == 0 ? "request failed" : "error " + httpStatus);
        if (type != null || code != null) {
            b.append(" (").append(type == null ? "?" : type);
            if (code != null) {
                b.append('/').append(code);
            }
            b.append(')');
        }
        if (message != null) {
            b.append(": ").append(message);
        }
        if (param != null) {
            b.append(" [param ").append(param).append(']');
        }
        if (requestId != null) {
            b.append(" [request ").append(requestId).append(']');
        }
        return b.toString();
    }

    /** @return the HTTP status, or 0 if no response was received */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return Stripe's {@code error.type}, e.g. {@code card_error}, {@code invalid_request_error}, or null */
    public String type() {
        return type;
    }

    /** @return Stripe's {@code error.code}, e.g. {@code resource_missing}, or null */
    public String code() {
        return code;
    }

    /** @return Stripe's human-readable {@code error.message}, or null */
    public String stripeMessage() {
        return stripeMessage;
    }

    /** @return the form parameter Stripe complained about ({@code error.param}), or null */
    public String param() {
        return param;
    }

    /** @return Stripe's {@code Request-Id} response header (quote it to Stripe support), or null */
    public String requestId() {
        return requestId;
    }

    /** @return true if sending the same request again (same idempotency key) may succeed */
    public boolean retryable() {
        return retryable;
    }
}
