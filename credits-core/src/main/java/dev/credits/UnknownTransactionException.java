package dev.credits;

/** No ledger entry has this transaction id (or it is not of a kind the call accepts). */
public final class UnknownTransactionException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String transactionId;

    public UnknownTransactionException(String transactionId) {
        this(transactionId, "unknown transaction '" + transactionId + "'");
    }

    public UnknownTransactionException(String transactionId, String message) {
        super(message);
        this.transactionId = transactionId;
    }

    public String transactionId() {
        return transactionId;
    }
}
