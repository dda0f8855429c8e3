package dev.credits;

/** No account with this id was opened. Open it first with {@link CreditLedger#openAccount(String)}. */
public final class UnknownAccountException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String accountId;

    public UnknownAccountException(String accountId) {
        super("unknown account '" + accountId + "'");
        this.accountId = accountId;
    }

    public String accountId() {
        return accountId;
    }
}
