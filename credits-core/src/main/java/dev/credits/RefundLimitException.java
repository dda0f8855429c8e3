package dev.credits;

/** A refund asked for more credits than the transaction charged minus its earlier refunds. */
public final class RefundLimitException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String transactionId;
    private final long requested;
    private final long refundable;

    public RefundLimitException(String transactionId, long requested, long refundable) {
        super("refund of " + requested + " credits exceeds the " + refundable
                + " still refundable on transaction '" + transactionId + "'");
        this.transactionId = transactionId;
        this.requested = requested;
        this.refundable = refundable;
    }

    public String transactionId() {
        return transactionId;
    }

    public long requested() {
        return requested;
    }

    /** @return what the transaction charged minus what was refunded already */
    public long refundable() {
        return refundable;
    }
}
