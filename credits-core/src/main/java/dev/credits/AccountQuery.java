package dev.credits;

/**
 * Which accounts {@link Reports#listAccounts(AccountQuery)} lists (003's "users credit status"), a page at a time by
 * account id. Build one with {@link #builder()}; a filter left unset does not filter. Immutable; thread-safe.
 *
 * @param status           only accounts with this status, or null
 * @param planId           only accounts on this plan, or null
 * @param memberOf         only the direct members of this pool (000's per-department views), or null
 * @param creditType       the credit type the balance filters look at (default
 *                         {@value CreditLedger#DEFAULT_CREDIT_TYPE})
 * @param availableBelow   only accounts whose available balance is below it, or null
 * @param availableAtLeast only accounts whose available balance is at least it, or null
 * @param lowBalance       only accounts at or below their low-balance threshold (their own, else the ledger's
 *                         default)
 * @param after            the page after this account id ({@link AccountPage#nextAfter()}), or null for the first
 * @param limit            at most this many rows, 1 to {@link PageRequest#MAX_LIMIT} (default 100)
 */
public record AccountQuery(AccountStatus status, String planId, String memberOf, String creditType, Long availableBelow,
                           Long availableAtLeast, boolean lowBalance, String after, int limit) {

    /** @return a builder listing every account, 100 a page */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the same query for the page after {@code accountId} */
    public AccountQuery after(String accountId) {
        return new AccountQuery(status, planId, memberOf, creditType, availableBelow, availableAtLeast, lowBalance,
                accountId, limit);
    }

    /** Collects an {@link AccountQuery}. Not thread-safe. */
    public static final class Builder {
        private AccountStatus status;
        private String planId;
        private String memberOf;
        private String creditType = CreditLedger.DEFAULT_CREDIT_TYPE;
        private Long availableBelow;
        private Long availableAtLeast;
        private boolean lowBalance;
        private String after;
        private int limit = 100;

        private Builder() {
        }

        public Builder status(AccountStatus value) {
            this.status = value;
            return this;
        }

        public Builder planId(String value) {
            this.planId = value;
            return this;
        }

        /** Only the direct members of this pool ({@link Orgs#setParent}). */
        public Builder memberOf(String value) {
            this.memberOf = value;
            return this;
        }

        /** The credit type the balance filters look at. */
        public Builder creditType(String value) {
            this.creditType = value;
            return this;
        }

        /** Only accounts whose available balance is below {@code value}. */
        public Builder availableBelow(long value) {
            this.availableBelow = value;
            return this;
        }

        /** Only accounts whose available balance is at least {@code value}. */
        public Builder availableAtLeast(long value) {
            this.availableAtLeast = value;
            return this;
        }

        /** Only accounts at or below their low-balance threshold. */
        public Builder lowBalance(boolean value) {
            this.lowBalance = value;
            return this;
        }

        /** The page after this account id. */
        public Builder after(String value) {
            this.after = value;
            return this;
        }

        public Builder limit(int value) {
            this.limit = value;
            return this;
        }

        /** @return the query (checked when it runs) */
        public AccountQuery build() {
            return new AccountQuery(status, planId, memberOf, creditType, availableBelow, availableAtLeast, lowBalance,
                    after, limit);
        }
    }
}
