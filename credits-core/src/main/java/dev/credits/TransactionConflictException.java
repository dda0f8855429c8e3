package dev.credits;

/**
 * A ledger call made inside a transaction the host owns (see {@code JdbiCreditStore.joining}) hit a deadlock or a
 * serialization failure, which aborted (or will abort) the host's whole transaction. The store does not retry it, as
 * it does its own transactions: it cannot run the host's earlier statements again. Roll the transaction back and run
 * the whole of it again (with idempotency keys on the ledger calls, a run that did commit is not repeated).
 */
public final class TransactionConflictException extends CreditsException {
    private static final long serialVersionUID = 1L;

    public TransactionConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
