package dev.credits;

/**
 * A refund of an earlier deduction, whole or in part. Immutable; start with {@link #of(String)}.
 *
 * @param transactionId  the deduction to refund
 * @param credits        credits to give back, or 0 (default) for everything not yet refunded
 * @param reason         free text, or null
 * @param idempotencyKey makes the call safe to retry, or null
 */
public record RefundRequest(String transactionId, long credits, String reason, String idempotencyKey) {

    /** @return a refund of everything not yet refunded */
    public static RefundRequest of(String transactionId) {
        return new RefundRequest(transactionId, 0, null, null);
    }

    public RefundRequest withCredits(long value) {
        return new RefundRequest(transactionId, value, reason, idempotencyKey);
    }

    public RefundRequest withReason(String value) {
        return new RefundRequest(transactionId, credits, value, idempotencyKey);
    }

    public RefundRequest withIdempotencyKey(String value) {
        return new RefundRequest(transactionId, credits, reason, value);
    }
}
