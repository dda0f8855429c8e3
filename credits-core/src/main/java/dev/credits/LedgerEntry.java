package dev.credits;

import java.time.Instant;
import java.util.Map;

/**
 * One immutable line of the ledger: one change of one balance. Immutable; thread-safe.
 *
 * <p>Build one with {@link #builder(String, EntryType, String, long)}; the canonical constructor is there for
 * records' sake.
 *
 * @param transactionId  the entry's id (what {@link CreditLedger#refundCredits} takes)
 * @param accountId      the account
 * @param sequence       the account's sequence number of the change that wrote it (monotonic per account;
 *                       holds also take numbers, so gaps are normal)
 * @param type           the kind of entry
 * @param creditType     the balance it changed
 * @param amount         the signed change of the balance
 * @param balanceAfter   the balance (held credits included) right after it
 * @param featureKey     the feature charged or refunded, or null
 * @param quantity       units charged (deductions), else 0
 * @param unitPrice      credits per unit charged (deductions), else 0: later price changes never rewrite it
 * @param pricePlanId    the plan whose own price was charged (deductions), or null for the feature's price
 * @param retryNumber    for a deduction that retries another: which retry of the original it is (1, 2, ...);
 *                       else 0
 * @param userId         who used it (deductions), or null
 * @param holdId         the hold a deduction committed, or null
 * @param referenceId    for a refund the transaction it refunds; for a retry the original deduction; for an
 *                       expiry the grant whose lot expired; for a clawback the purchase's grant; else null
 * @param purchaseId     the purchase a grant completed or a clawback reversed, or null
 * @param reason         a free-text reason (refunds, grants), or null
 * @param idempotencyKey the key of the call that wrote it, or null
 * @param metadata       the host's key/value notes, the host's alone (the ledger never writes keys of its own)
 * @param createdAt      when it was written
 * @param actor          who made the change and why (see {@link CreditLedger#actingAs(Actor)}), or null when the call
 *                       said nobody; expiries are always {@link Actor#SYSTEM}
 */
public record LedgerEntry(String transactionId, String accountId, long sequence, EntryType type,
                          String creditType, long amount, long balanceAfter, String featureKey, long quantity,
                          long unitPrice, String pricePlanId, int retryNumber, String userId, String holdId,
                          String referenceId, String purchaseId, String reason, String idempotencyKey,
                          Map<String, String> metadata, Instant createdAt, Actor actor) {

    public LedgerEntry {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** An entry without an actor (the form of entries written before actors existed). */
    public LedgerEntry(String transactionId, String accountId, long sequence, EntryType type, String creditType,
                       long amount, long balanceAfter, String featureKey, long quantity, long unitPrice,
                       String pricePlanId, int retryNumber, String userId, String holdId, String referenceId,
                       String purchaseId, String reason, String idempotencyKey, Map<String, String> metadata,
                       Instant createdAt) {
        this(transactionId, accountId, sequence, type, creditType, amount, balanceAfter, featureKey, quantity,
                unitPrice, pricePlanId, retryNumber, userId, holdId, referenceId, purchaseId, reason, idempotencyKey,
                metadata, createdAt, null);
    }

    /**
     * Starts an entry of {@code amount} credits (negative takes them) with no other field set: no account, sequence,
     * balance after or time, no feature, user, hold, reference, purchase, reason, key or metadata, until the builder
     * says otherwise.
     *
     * @return a builder
     */
    public static Builder builder(String transactionId, EntryType type, String creditType, long amount) {
        return new Builder(transactionId, type, creditType, amount);
    }

    /**
     * Collects a {@link LedgerEntry}'s values. Not thread-safe; a built entry never changes when the builder does.
     */
    public static final class Builder {
        private final String transactionId;
        private final EntryType type;
        private final String creditType;
        private final long amount;
        private String accountId;
        private long sequence;
        private long balanceAfter;
        private String featureKey;
        private long quantity;
        private long unitPrice;
        private String pricePlanId;
        private int retryNumber;
        private String userId;
        private String holdId;
        private String referenceId;
        private String purchaseId;
        private String reason;
        private String idempotencyKey;
        private Map<String, String> metadata = Map.of();
        private Instant createdAt;
        private Actor actor;

        private Builder(String transactionId, EntryType type, String creditType, long amount) {
            this.transactionId = transactionId;
            this.type = type;
            this.creditType = creditType;
            this.amount = amount;
        }

        /** The account, its sequence number of the change, and the credit type's balance right after it. */
        public Builder posted(String accountId, long sequence, long balanceAfter) {
            this.accountId = accountId;
            this.sequence = sequence;
            this.balanceAfter = balanceAfter;
            return this;
        }

        /** {@code quantity} units of a feature at {@code unitPrice} credits each. */
        public Builder feature(String featureKey, long quantity, long unitPrice) {
            this.featureKey = featureKey;
            this.quantity = quantity;
            this.unitPrice = unitPrice;
            return this;
        }

        /** The plan whose own price was charged (null: the feature's). */
        public Builder pricePlanId(String pricePlanId) {
            this.pricePlanId = pricePlanId;
            return this;
        }

        /** Which retry of the referenced original it is (0: none). */
        public Builder retryNumber(int retryNumber) {
            this.retryNumber = retryNumber;
            return this;
        }

        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        public Builder holdId(String holdId) {
            this.holdId = holdId;
            return this;
        }

        /** The transaction it refers to (see {@link LedgerEntry#referenceId()}). */
        public Builder referenceId(String referenceId) {
            this.referenceId = referenceId;
            return this;
        }

        /** The purchase a grant completed or a clawback reversed. */
        public Builder purchaseId(String purchaseId) {
            this.purchaseId = purchaseId;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        /** The host's notes (null for none). */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Who made the change (null: nobody said). */
        public Builder actor(Actor actor) {
            this.actor = actor;
            return this;
        }

        /** @return the entry */
        public LedgerEntry build() {
            return new LedgerEntry(transactionId, accountId, sequence, type, creditType, amount, balanceAfter,
                    featureKey, quantity, unitPrice, pricePlanId, retryNumber, userId, holdId, referenceId, purchaseId,
                    reason, idempotencyKey, metadata, createdAt, actor);
        }
    }
}
